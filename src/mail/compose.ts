/**
 * The monthly decision-maker e-mail, composed per variant and compiled by MJML once per
 * variant per mailing. Composition fills the variant's parts (intro, news hook, TOP questions,
 * documents, reviews, magazine, bulletin, webinars, collections) into `lpr-monthly.mjml`; what
 * differs per recipient (greeting, client, specialist, tracked links, unsubscribe link) stays
 * a `{{ placeholder }}` that {@link fill} sets for each message with escaping.
 *
 * Links in a variant are `{{ link.<position> }}`: the position of the URL in the mailing's
 * link list ({@link mailingLinks}); the send path turns it into the message's tracked URL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config.js';
import type { MonthContent } from '../content/schema.js';
import type { ProblemArea } from '../domain/audiences.js';
import type { CompiledVariant, MailingLink } from '../domain/mailing-content.js';
import { parseVariantKey, type Variant } from '../domain/recipients.js';
import { monthSubject, monthTitle } from '../domain/ru.js';
import { compileMjml, escapeHtml, type FillValues, fill, html, SafeHtml, TEMPLATES_DIR } from './render.js';

export type { CompiledVariant, MailingLink };

/** What each message fills in, besides its links. */
export const RECIPIENT_KEYS = ['greeting', 'client_name', 'specialist_line', 'unsubscribe_url', 'honeypot_url'] as const;

export interface ComposeOptions {
  period: string;
  ricName: string;
  honeypotUrl: string;
  maxTopQuestions: number;
}

/** The options of a period's e-mail from the service's configuration (the mailing job and the content page's preview). */
export function composeOptions(app: { config: Pick<AppConfig, 'ric' | 'lpr'> }, period: string): ComposeOptions {
  const { ric, lpr } = app.config;
  return { period, ricName: ric.name, honeypotUrl: lpr.honeypotUrl, maxTopQuestions: lpr.maxTopQuestions };
}

/** Every link of a month's content, deduplicated by URL, in the order of the e-mail; the honeypot is position 0. */
export function mailingLinks(content: MonthContent, honeypotUrl: string): MailingLink[] {
  const out: MailingLink[] = [{ position: 0, url: honeypotUrl, title: 'honeypot', kind: 'honeypot' }];
  const seen = new Set([honeypotUrl]);
  const add = (url: string, title: string, kind: MailingLink['kind']) => {
    if (seen.has(url)) return;
    seen.add(url);
    out.push({ position: out.length, url, title, kind });
  };
  for (const h of content.newsHooks) for (const l of h.links) add(l.url, l.title, 'news_hook');
  for (const q of content.topQuestions) add(q.url, q.title, 'top_question');
  for (const d of content.documents) add(d.url, d.title, 'document');
  for (const r of content.reviews) add(r.url, r.title, 'review');
  for (const m of content.magazine) add(m.url, m.title, 'magazine');
  for (const b of content.bulletin) add(b.url, b.title, 'bulletin');
  add(content.webinars.url, content.webinars.title, 'webinars');
  return out;
}

// Content text must not turn into a placeholder of the per-recipient fill.
const noBracesHtml = (s: string) => new SafeHtml(escapeHtml(s).replace(/\{/g, '&#123;').replace(/\}/g, '&#125;'));
const noBracesText = (s: string) => s.replace(/\{\{/g, '{\u200b{').replace(/\}\}/g, '}\u200b}');

const keep = (key: string) => new SafeHtml(`{{ ${key} }}`);

/** The TOP questions for a variant: its position type (else those for managers), its area first. */
export function questionsFor(content: MonthContent, v: Variant, max: number): MonthContent['topQuestions'] {
  let qs = content.topQuestions.filter((q) => q.audiences.positionTypes.includes(v.positionType));
  if (!qs.length) qs = content.topQuestions.filter((q) => q.audiences.positionTypes.includes('manager'));
  if (!qs.length) qs = content.topQuestions;
  if (v.area) {
    const area = v.area;
    qs = [...qs].sort((a, b) => Number(b.audiences.problemAreas.includes(area)) - Number(a.audiences.problemAreas.includes(area)));
  }
  return qs.slice(0, max);
}

interface Part {
  heading: string;
  items: { title: string; url?: string; note?: string }[];
  button?: { title: string; url: string };
  lead?: string;
}

function partsFor(content: MonthContent, v: Variant, max: number): Part[] {
  const parts: Part[] = [];
  if (v.area) {
    const hook = content.newsHooks.find((h) => h.area === (v.area as ProblemArea));
    if (hook) parts.push({ heading: hook.title, lead: hook.text, items: hook.links.map((l) => ({ title: l.title, url: l.url })) });
  }
  parts.push({
    heading: v.audience === 'non-user' ? 'ТОП вопросов для руководителя' : 'ТОП вопросов месяца',
    items: questionsFor(content, v, max).map((q) => ({ title: q.title, url: q.url })),
  });
  if (content.documents.length) {
    parts.push({ heading: 'Документы в системе', items: content.documents.map((d) => ({ title: d.title, url: d.url, note: d.note })) });
  }
  if (v.audience === 'non-user') {
    if (content.reviews.length) {
      parts.push({ heading: 'Обзоры руководителю', items: content.reviews.map((r) => ({ title: r.title, url: r.url, note: r.summary })) });
    }
    if (content.magazine.length) parts.push({ heading: 'Журнал', items: content.magazine.map((m) => ({ title: m.title, url: m.url })) });
    if (content.bulletin.length) parts.push({ heading: 'Бюллетень', items: content.bulletin.map((b) => ({ title: b.title, url: b.url })) });
  }
  parts.push({
    heading: 'Вебинары',
    items: [],
    lead: content.webinars.note,
    button: { title: content.webinars.title, url: content.webinars.url },
  });
  if (content.collections.length) {
    parts.push({
      heading: 'Тематические подборки во вложении',
      items: content.collections.map((c) => ({ title: `${c.title} (${c.file})`, note: c.description })),
    });
  }
  return parts;
}

const partial = (() => {
  let source: string | null = null;
  return () => {
    source ??= readFileSync(join(TEMPLATES_DIR, 'lpr-section.mjml'), 'utf8');
    return source;
  };
})();

function readTemplate(name: string): string {
  return readFileSync(join(TEMPLATES_DIR, name), 'utf8');
}

/** The variant's MJML source and plain text, with recipient placeholders left in. */
export function composeVariant(
  content: MonthContent,
  key: string,
  opts: ComposeOptions,
): { mjml: string; text: string; subject: string; links: number[] } {
  const v = parseVariantKey(key);
  const positions = new Map(mailingLinks(content, opts.honeypotUrl).map((l) => [l.url, l.position]));
  const used = new Set<number>([0]);
  const linkKey = (url: string) => {
    const p = positions.get(url);
    if (p === undefined) throw new Error(`link ${url} is not in the mailing's link list`);
    used.add(p);
    return `link.${p}`;
  };
  const parts = partsFor(content, v, opts.maxTopQuestions);
  const sections = parts.map((p) => {
    const items = p.items.map((it) => {
      const title = it.url ? html`<a href="${keep(linkKey(it.url))}">${noBracesHtml(it.title)}</a>` : noBracesHtml(it.title);
      return html`<li>${title}${it.note ? html`<br /><span class="muted">${noBracesHtml(it.note)}</span>` : ''}</li>`;
    });
    const body = html`${p.lead ? html`<p>${noBracesHtml(p.lead)}</p>` : ''}${items.length ? html`<ul>${items}</ul>` : ''}`;
    const button = p.button
      ? html`<mj-button href="${keep(linkKey(p.button.url))}" background-color="#0b5cad" align="left">${noBracesHtml(p.button.title)}</mj-button>`
      : html``;
    return new SafeHtml(fill(partial(), { heading: noBracesHtml(p.heading), body, button }));
  });
  const subject = monthSubject(
    opts.period,
    v.area ? (content.newsHooks.find((h) => h.area === v.area)?.title ?? content.subject) : content.subject,
  );
  const paragraphs = content.intro.split(/\n\s*\n/).map((p) => p.trim());
  const deferred: FillValues = Object.fromEntries(RECIPIENT_KEYS.map((k) => [k, keep(k)]));
  const mjml = fill(readTemplate('lpr-monthly.mjml'), {
    ...deferred,
    subject: noBracesHtml(subject),
    preview: noBracesHtml(content.subject),
    ric_name: noBracesHtml(opts.ricName),
    month: noBracesHtml(monthTitle(opts.period)),
    intro_html: html`${paragraphs.map((p, i) => html`${i ? html`<br /><br />` : ''}${noBracesHtml(p)}`)}`,
    sections: html`${sections}`,
  });
  const textSections = parts
    .map((p) => {
      const lines = [p.heading.toUpperCase()];
      if (p.lead) lines.push(noBracesText(p.lead));
      for (const it of p.items) {
        lines.push(`- ${noBracesText(it.title)}`);
        if (it.note) lines.push(`  ${noBracesText(it.note)}`);
        if (it.url) lines.push(`  {{ ${linkKey(it.url)} }}`);
      }
      if (p.button) lines.push(`${noBracesText(p.button.title)}: {{ ${linkKey(p.button.url)} }}`);
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
  const textDeferred: FillValues = Object.fromEntries(RECIPIENT_KEYS.map((k) => [k, `{{ ${k} }}`]));
  const text = fill(
    readTemplate('lpr-monthly.txt'),
    {
      ...textDeferred,
      ric_name: noBracesText(opts.ricName),
      month: monthTitle(opts.period),
      intro: noBracesText(paragraphs.join('\n\n')),
      sections: textSections,
    },
    'text',
  );
  return { mjml, text, subject, links: [...used].sort((a, b) => a - b) };
}

/** Compose and compile the given variants: one MJML compilation each. */
export async function compileVariants(
  content: MonthContent,
  keys: readonly string[],
  opts: ComposeOptions,
): Promise<Record<string, CompiledVariant>> {
  const out: Record<string, CompiledVariant> = {};
  for (const key of keys) {
    const c = composeVariant(content, key, opts);
    out[key] = { subject: c.subject, html: await compileMjml(c.mjml), text: c.text, links: c.links };
  }
  return out;
}

/** «Здравствуйте, Иван Петрович!» from «Иванов Иван Петрович» (name and patronymic, as Russian letters address a director). */
export function greeting(fullName: string): string {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length >= 2) return `Здравствуйте, ${words.slice(1, 3).join(' ')}!`;
  return words.length ? `Здравствуйте, ${words[0]}!` : 'Здравствуйте!';
}
