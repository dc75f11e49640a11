import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/reports/html.js';
import { renderOverview } from '../../src/reports/overview.js';
import { formatCell } from '../../src/reports/render.js';
import type { Report } from '../../src/reports/types.js';
import { galleryReport, zonesChart } from '../fixtures/charts.js';

const EVIL = '<script>alert("x")</script>';
const OPTS = { tz: 'Europe/Moscow', generatedAt: new Date('2024-06-03T06:00:00Z') };

/** Everything a page could load: src/href/action/url()/@import, other than in-page anchors. */
function externalReferences(page: string): string[] {
  const refs = [...page.matchAll(/\b(?:src|href|action|xlink:href)\s*=\s*"([^"]*)"/g)].map((m) => m[1] as string);
  const css = [...page.matchAll(/url\(|@import/g)].map((m) => m[0]);
  return [...refs.filter((r) => !r.startsWith('#')), ...css];
}

function evilReport(): Report {
  return {
    name: 'evil',
    title: `Отчёт ${EVIL}`,
    subtitle: `<b>${EVIL}</b>`,
    charts: [{ ...zonesChart, title: EVIL, categories: zonesChart.categories.map(() => EVIL) }],
    sections: [
      {
        title: `Раздел ${EVIL}`,
        columns: [
          { key: 'name', header: `Клиент ${EVIL}` },
          { key: 'fee', header: 'Абонентская плата', type: 'money' },
        ],
        rows: [{ name: `ООО "Рога & копыта" ${EVIL}<img src=x onerror=alert(1)>`, fee: 15000 }],
        totals: { name: `Итого ${EVIL}` },
        notes: [`примечание ${EVIL}`],
      },
    ],
  };
}

describe('HTML report page', () => {
  const page = renderHtml(galleryReport(), OPTS);

  it('is one self-contained Russian page: inline CSS, no scripts, nothing loaded from elsewhere', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="ru">')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"`);
    expect(page).toMatch(/<style>[^<]*@media print\{/);
    expect(page).not.toMatch(/<script|<link|<iframe|<img|@font-face/i);
    expect(externalReferences(page)).toEqual([]);
  });

  it('shows the title, subtitle, time of making, the CRM column names and Russian formats', () => {
    expect(page).toContain('<title>Фиксация отклонений — Июнь 2024 года</title>');
    expect(page).toContain('<h1>Фиксация отклонений</h1><p class="subtitle">Июнь 2024 года</p>');
    expect(page).toContain('Сформирован 03.06.2024 09:00');
    expect(page).toContain('<th scope="col" class="num">Абонентская плата</th>');
    expect(page).toContain('<th scope="col" class="">Сотрудник (упр)</th>');
    expect(page).toContain(`<td class="num">${formatCell(12000, 'money')}</td>`);
    expect(formatCell(12000, 'money')).toBe('12\u00a0000,00');
    expect(page).toContain('<td class="num">0,30</td>');
    expect(page).toContain('<td class="date">03.06.2024</td>');
    expect(page).toContain('<td class="num">193\u00a0254</td>');
  });

  it('puts the totals row in the table foot, in bold, and the notes under the table', () => {
    expect(page).toMatch(/<tfoot><tr><td class="num">Итого: \(12\)<\/td><td class="text"><\/td>.*<td class="num">247\u00a0983,00<\/td>/);
    expect(page).toContain('tfoot td{font-weight:700');
    expect(page).toContain('<ul class="notes"><li>Данные об обучении на 31.05.2024.</li></ul>');
  });

  it('wraps each table in its own scrolling box, so a wide table never widens the page', () => {
    expect(page).toContain('<div class="table-wrap" role="region" aria-label="Фиксация отклонений" tabindex="0"><table>');
    expect(page).toContain('.table-wrap{overflow-x:auto');
  });

  it('draws each chart as an inline SVG figure under its caption, with ids unique on the page', () => {
    const figures = [...page.matchAll(/<figure><figcaption>([^<]*)<\/figcaption><svg /g)].map((m) => m[1]);
    expect(figures).toEqual(galleryReport().charts?.map((c) => c.title));
    expect(page).toContain('aria-labelledby="gallery-chart-1-title gallery-chart-1-desc"');
    const ids = [...page.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('says "нет данных" for an empty section and has no chart block without charts', () => {
    const empty = renderHtml({ name: 'x', title: 'Пусто', sections: [{ columns: [{ key: 'a', header: 'А' }], rows: [] }] });
    expect(empty).toContain('<p class="empty">нет данных</p>');
    expect(empty).not.toContain('class="charts"');
    expect(empty).not.toContain('Сформирован');
  });

  it('escapes every value: titles, headers, cells, totals, notes and chart labels', () => {
    const evil = renderHtml(evilReport(), OPTS);
    expect(evil).not.toContain('<script');
    expect(evil).not.toContain('<img');
    expect(evil).not.toContain('<b>');
    for (const escaped of [
      '<h1>Отчёт &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h1>',
      'ООО &quot;Рога &amp; копыта&quot; &lt;script&gt;',
      '<th scope="col" class="">Клиент &lt;script&gt;',
      '<li>примечание &lt;script&gt;',
      '<td class="text">Итого &lt;script&gt;',
      '<figcaption>&lt;script&gt;',
      'aria-label="Раздел &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"',
    ]) {
      expect(evil).toContain(escaped);
    }
  });
});

describe('overview page', () => {
  it('puts several reports on one page under a table of contents linking to each', () => {
    const other: Report = { ...galleryReport(), name: 'other', title: 'Второй отчёт', subtitle: undefined };
    const page = renderOverview([galleryReport(), other, galleryReport()], { ...OPTS, subtitle: 'Р/Ц502' });
    expect(page).toContain('<h1>Работа дистанционного сервиса по профилактике отключений</h1><p class="subtitle">Р/Ц502</p>');
    expect(page).toContain('<nav class="toc" id="toc" aria-label="Содержание"><h2>Содержание</h2><ol>');
    expect(page).toContain('<li><a href="#report-gallery">Фиксация отклонений</a> <span class="toc-sub">Июнь 2024 года</span></li>');
    expect(page).toContain('<li><a href="#report-other">Второй отчёт</a></li>');
    expect(page).toContain('<li><a href="#report-gallery-2">');
    for (const id of ['report-gallery', 'report-other', 'report-gallery-2']) expect(page).toContain(`<article class="report" id="${id}">`);
    // report titles are h2, their sections h3 (none titled here), every chart once per report
    expect(page.match(/<h2>Фиксация отклонений<\/h2>/g)).toHaveLength(2);
    expect(page.match(/<svg /g)).toHaveLength(15);
    expect(page.match(/<a href="#toc">↑ К содержанию<\/a>/g)).toHaveLength(3);
    const ids = [...page.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(externalReferences(page)).toEqual([]);
  });

  it('escapes report titles in the contents, and says so when there is nothing to show', () => {
    expect(renderOverview([evilReport()])).not.toContain('<script');
    expect(renderOverview([])).toContain('<p class="empty">нет отчётов</p>');
  });
});
