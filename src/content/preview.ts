/**
 * The month's e-mail before it goes out, for the diary's content page: the recipients per
 * variant exactly as the dry run of `lpr-monthly` selects them, and each variant filled for its
 * first recipient with the links pointing straight at the documents — nothing is tracked,
 * counted or stored. The same filling makes the «[ТЕСТ]» e-mail a head sends to themselves.
 */
import type { App } from '../app.js';
import { getContent, getContentFiles } from '../db/contents.js';
import { attachmentsOf, getMailing, type MailingRow } from '../db/mailings.js';
import { contactForMail } from '../db/messages.js';
import { loadCandidates } from '../db/recipients.js';
import { clientIdsInScope, type Scope } from '../db/scope.js';
import { LPR_KIND } from '../domain/mailing-content.js';
import { EXCLUSION_TEXT, type Exclusion, selectRecipients, variantTitle } from '../domain/recipients.js';
import { quoted } from '../domain/ru.js';
import { type CompiledVariant, compileVariants, composeOptions, greeting, mailingLinks } from '../mail/compose.js';
import { type MessageForMail, rawAttachment, specialistLine } from '../mail/mailing.js';
import { type FillValues, fill } from '../mail/render.js';
import type { MonthContent } from './schema.js';

/** One recipient as the dry run lists them. */
export interface PreviewRecipient {
  contactId: number;
  name: string;
  client: string;
  email: string;
}

export interface VariantPreview {
  key: string;
  /** In Russian: who gets this variant. */
  title: string;
  count: number;
  /** Of them, the recipients whose client the viewer's scope sees (src/db/scope.ts). */
  visible: number;
  /** The first 20 visible, as the dry run prints them. */
  first: PreviewRecipient[];
}

export interface MonthPreview {
  period: string;
  content: MonthContent;
  /** Set once the month's mailing exists: the page is then read-only. */
  mailing: MailingRow | null;
  loadedAt: Date | null;
  /** Names this content: the mailing, or the hash of the loaded content. */
  contentKey: string;
  variants: VariantPreview[];
  excluded: { reason: string; count: number }[];
}

async function selection(app: App, period: string, content: MonthContent) {
  const candidates = await loadCandidates(app.pool, LPR_KIND, period);
  return selectRecipients(candidates, {
    period,
    includeLvpr: app.config.lpr.includeLvpr,
    defaultFrequencyMonths: app.config.lpr.defaultFrequencyMonths,
    hookAreas: content.newsHooks.map((h) => h.area),
  });
}

/**
 * The month's content (the mailing's own once it exists), its recipients per variant; null
 * without content. The counts are the whole mailing's; the recipients listed (and the one each
 * variant is filled for) are only those whose client `scope` sees.
 */
export async function monthPreview(app: App, period: string, scope: Scope): Promise<MonthPreview | null> {
  const mailing = await getMailing(app.pool, LPR_KIND, period);
  const stored = mailing ? null : await getContent(app.pool, LPR_KIND, period);
  const content = mailing?.content ?? stored?.content;
  if (!content) return null;
  const s = await selection(app, period, content);
  const seen = await clientIdsInScope(app.pool, scope, [...new Set(s.recipients.map((r) => r.clientId))]);
  const visible = s.recipients.filter((r) => seen.has(r.clientId));
  const variants = Object.entries(s.perVariant).map(([key, count]) => ({
    key,
    title: variantTitle(key),
    count,
    visible: visible.filter((r) => r.variant.key === key).length,
    first: visible
      .filter((r) => r.variant.key === key)
      .slice(0, 20)
      .map((r) => ({
        contactId: r.contactId,
        name: r.fullName,
        client: `${r.clientNumber} - ${r.clientName}`,
        email: String(r.email).trim(),
      })),
  }));
  const excluded = Object.entries(s.excluded).map(([k, n]) => ({ reason: EXCLUSION_TEXT[k as Exclusion], count: n as number }));
  return {
    period,
    content,
    mailing,
    loadedAt: stored?.loaded_at ?? null,
    contentKey: mailing ? `mailing ${mailing.id}` : `content ${stored?.sha256}`,
    variants,
    excluded,
  };
}

/**
 * MJML compiles a variant in about a second; the page shows each twice (phone and desktop) and
 * is reloaded while the content is checked, so compiled variants are kept per content.
 */
const compiledCache = new WeakMap<App, Map<string, Promise<CompiledVariant | undefined>>>();
const KEEP_COMPILED = 100;

function compiled_(app: App, preview: MonthPreview, key: string): Promise<CompiledVariant | undefined> {
  let cache = compiledCache.get(app);
  if (!cache) {
    cache = new Map();
    compiledCache.set(app, cache);
  }
  const id = `${preview.period} ${preview.contentKey} ${key}`;
  let p = cache.get(id);
  if (!p) {
    p = compileVariants(preview.content, [key], composeOptions(app, preview.period)).then((v) => v[key]);
    cache.set(id, p);
    p.catch(() => cache.delete(id));
    while (cache.size > KEEP_COMPILED) cache.delete(cache.keys().next().value as string);
  }
  return p;
}

export interface FilledVariant {
  subject: string;
  html: string;
  text: string;
  attachments: { filename: string; raw: string }[];
}

/**
 * A variant filled for its first visible recipient, every link the document's own address (no
 * tracking token), the unsubscribe link inert. Null when no recipient the preview's scope sees
 * gets this variant.
 */
export async function fillVariant(app: App, preview: MonthPreview, key: string): Promise<FilledVariant | null> {
  const variant = preview.variants.find((v) => v.key === key);
  const first = variant?.first[0];
  if (!variant || !first) return null;
  const { period, content, mailing } = preview;
  const compiled: CompiledVariant | undefined = mailing?.variants[key] ?? (await compiled_(app, preview, key));
  const person = await contactForMail(app.pool, first.contactId);
  if (!compiled || !person) return null;
  const m: MessageForMail = { id: 0, variant: key, to_email: first.email, ...person };
  const urls = new Map(mailingLinks(content, app.config.lpr.honeypotUrl).map((l) => [l.position, l.url]));
  const values: FillValues = {
    greeting: greeting(person.full_name),
    client_name: quoted(person.client_name),
    specialist_line: specialistLine(m, app.config.ric.name),
    unsubscribe_url: '#',
    honeypot_url: urls.get(0) ?? '#',
  };
  for (const p of compiled.links) values[`link.${p}`] = urls.get(p) ?? '#';
  const files = mailing
    ? (await attachmentsOf(app.pool, mailing.id)).map((f) => rawAttachment(f.file_name, f.content_type, f.bytes))
    : (await getContentFiles(app.pool, LPR_KIND, period)).map((f) => rawAttachment(f.name, f.contentType, f.bytes));
  return { subject: compiled.subject, html: fill(compiled.html, values), text: fill(compiled.text, values, 'text'), attachments: files };
}
