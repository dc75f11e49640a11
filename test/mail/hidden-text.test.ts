/**
 * Hidden text without a colour of its own: MJML's preheader (`mj-preview`, painted #ffffff by
 * MJML) and the honeypot's spacer come out of every template hidden by `display:none`,
 * `mso-hide:all` and zero size — never by a text colour near the background, which is what
 * spam filters score (HTML_FONT_LOW_CONTRAST). And a subject all in capitals is refused where a
 * person writes one: the month's content.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readContentFolder } from '../../src/content/folder.js';
import { ContentError } from '../../src/content/load.js';
import { isAllCapitals } from '../../src/domain/capitals.js';
import { hiddenStyle } from '../../src/mail/hidden-text.js';
import { compileMjml, loadTemplate, TEMPLATES_DIR } from '../../src/mail/render.js';
import { SAMPLE_DIR } from '../mailing/fixtures.js';

/** The inline style of every hidden block of a page. */
function hiddenBlocks(html: string): string[] {
  return [...html.matchAll(/<(?:div|span)\s+style="(\s*display\s*:\s*none[^"]*)"/gi)].map((m) => m[1] as string);
}

describe('hidden text', () => {
  it('drops colours and adds Outlook’s hiding, keeping the rest of the style', () => {
    expect(
      hiddenStyle('display:none;font-size:1px;color:#ffffff;line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;'),
    ).toBe('display:none;font-size:1px;line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;mso-hide:all;');
    expect(hiddenStyle('display:none; background-color: #f5f7fa; mso-hide:all')).toBe('display:none;mso-hide:all;');
  });

  it('hides the preheader of every template without a colour, and keeps its text', async () => {
    const names = readdirSync(TEMPLATES_DIR)
      .filter((f) => f.endsWith('.mjml') && f !== 'lpr-section.mjml')
      .map((f) => f.replace(/\.mjml$/, ''));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const html =
        name === 'lpr-monthly'
          ? await compileMjml(readFileSync(join(TEMPLATES_DIR, 'lpr-monthly.mjml'), 'utf8').replace('{{{ sections }}}', ''))
          : (await loadTemplate(name)).html;
      const blocks = hiddenBlocks(html);
      expect(blocks.length, name).toBeGreaterThan(0);
      for (const style of blocks) {
        expect(style, name).not.toMatch(/(^|;)\s*(color|background(-color)?)\s*:/i);
        expect(style, name).toContain('mso-hide:all');
      }
      // The preheader's text is still there, in the first hidden block.
      const preview = /<mj-preview>(.*?)<\/mj-preview>/.exec(readFileSync(join(TEMPLATES_DIR, `${name}.mjml`), 'utf8'))?.[1] as string;
      expect(html, name).toMatch(new RegExp(`mso-hide:all;">\\s*${preview.replace(/[{}]/g, '\\$&')}\\s*</div>`));
    }
  });
});

describe('subjects in capitals', () => {
  it('tells a subject all in capitals, in any script, from one that only holds capitals', () => {
    for (const s of ['ВАЖНО: НОВЫЕ ПРАВИЛА', 'NEW RULES FOR 2024', 'ДИАГНОСТИКА 2024-H1']) expect(isAllCapitals(s), s).toBe(true);
    for (const s of ['Сигнал: Ликвидация — 234717 - АО «RBC»', 'Июнь 2024: ТОП вопросов', 'ООО «ТПК»', '2024-06 07', 'Итоги']) {
      expect(isAllCapitals(s), s).toBe(false);
    }
  });

  it('refuses a month whose subject or a news hook’s title is all in capitals, naming the place', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cg-caps-')), '2024-06');
    try {
      cpSync(SAMPLE_DIR, dir, { recursive: true });
      rmSync(join(dir, 'content.xlsx'));
      const json = JSON.parse(readFileSync(join(dir, 'content.json'), 'utf8'));
      json.subject = 'ВАЖНО: ИЗМЕНЕНИЯ ИЮЛЯ';
      json.newsHooks[0].title = 'ПРОВЕРКИ 2024';
      writeFileSync(join(dir, 'content.json'), JSON.stringify(json, null, 2));
      let problems: string[] = [];
      try {
        await readContentFolder(dir);
      } catch (err) {
        expect(err).toBeInstanceOf(ContentError);
        problems = (err as ContentError).problems;
      }
      expect(problems).toEqual([
        expect.stringMatching(/content\.json:3:\d+: subject: написано заглавными буквами \(спам-фильтры штрафуют такие темы/),
        expect.stringMatching(/content\.json:\d+:\d+: newsHooks\[0\]\.title: написано заглавными буквами/),
      ]);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});
