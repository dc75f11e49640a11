/**
 * One message of a mailing as it goes out: the variant compiled once per mailing, filled for
 * the recipient (escaped), every link rewritten to `PUBLIC_BASE_URL/c/<token>`, the hidden
 * honeypot link, attachments, and the headers — `Message-ID: <message-<id>@domain>`,
 * `List-Unsubscribe` (https and mailto), `List-Unsubscribe-Post: List-Unsubscribe=One-Click` —
 * with the VERP envelope sender. No header value can carry CR/LF ({@link headerSafe}).
 *
 * A worker reads a mailing's variants, links and attachments once ({@link mailingAssets}) and
 * keeps them for every message of that mailing it sends.
 */
import type { App } from '../app.js';
import type { AppConfig } from '../config.js';
import { linksOf } from '../db/links.js';
import { attachmentsOf, getMailingById, type MailingRow } from '../db/mailings.js';
import { quoted } from '../domain/ru.js';
import type { CompiledVariant } from './compose.js';
import { greeting } from './compose.js';
import { mailingMessageId } from './message-ids.js';
import { type FillValues, fill } from './render.js';
import { clickToken, clickUrl, unsubscribeToken, unsubscribeUrl, verpAddress } from './tracking.js';
import { headerSafe, type MailOptions } from './transport.js';

export interface MailingAssets {
  mailing: Pick<MailingRow, 'id' | 'kind' | 'period' | 'variants'>;
  /** Link position → `links.id`. */
  linkIds: Map<number, number>;
  /** MIME parts of the attachments, base64-encoded once per mailing rather than per message. */
  attachments: { filename: string; raw: string }[];
}

/**
 * One attachment as a complete MIME part. File names are plain ASCII (the content schema allows
 * `[A-Za-z0-9._-]` only), so they need no encoding and cannot break a header.
 */
export function rawAttachment(filename: string, contentType: string, bytes: Buffer): { filename: string; raw: string } {
  const b64 = bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
  const name = headerSafe(filename);
  return {
    filename: name,
    raw: `Content-Type: ${headerSafe(contentType)}; name=${name}\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=${name}\r\n\r\n${b64}`,
  };
}

/** What a message needs to be written for its recipient. */
export interface MessageForMail {
  id: number;
  variant: string;
  to_email: string;
  full_name: string;
  client_name: string;
  specialist_name: string | null;
  specialist_phone: string | null;
  specialist_email: string | null;
}

let loads = 0;

/** How many times this process read a mailing's assets (tests: once per mailing, not per message). */
export function mailingAssetLoads(): number {
  return loads;
}

async function loadAssets(app: App, mailingId: number): Promise<MailingAssets> {
  loads++;
  const mailing = await getMailingById(app.pool, mailingId);
  if (!mailing) throw new Error(`mailing ${mailingId} does not exist`);
  const [links, files] = await Promise.all([linksOf(app.pool, mailingId), attachmentsOf(app.pool, mailingId)]);
  return {
    mailing: { id: mailing.id, kind: mailing.kind, period: mailing.period, variants: mailing.variants },
    linkIds: new Map(links.map((l) => [l.position, l.id])),
    attachments: files.map((f) => rawAttachment(f.file_name, f.content_type, f.bytes)),
  };
}

/** A worker keeps the assets of its latest mailings (a month has one; re-runs and retries may span two). */
const KEEP = 4;
const caches = new WeakMap<App, Map<number, Promise<MailingAssets>>>();

/** The mailing's variants, links and attachments, read once per process; re-read when a variant is missing (a forced re-run added it). */
export async function mailingAssets(app: App, mailingId: number, variant?: string): Promise<MailingAssets> {
  let cache = caches.get(app);
  if (!cache) {
    cache = new Map();
    caches.set(app, cache);
  }
  let p = cache.get(mailingId);
  if (p && variant) {
    const a = await p.catch(() => null);
    if (!a || !(variant in a.mailing.variants)) p = undefined;
  }
  if (!p) {
    p = loadAssets(app, mailingId);
    cache.set(mailingId, p);
    p.catch(() => cache.delete(mailingId));
    while (cache.size > KEEP) cache.delete(cache.keys().next().value as number);
  }
  return p;
}

export function specialistLine(m: MessageForMail, ricName: string): string {
  if (!m.specialist_name) return `Служба дистанционного сервиса ${ricName}`;
  const parts = [`Ваш специалист: ${m.specialist_name}`];
  if (m.specialist_phone) parts.push(`тел. ${m.specialist_phone}`);
  if (m.specialist_email) parts.push(m.specialist_email);
  return parts.join(', ');
}

/** The per-recipient values of a variant: names (escaped by fill) and this message's tracked links. */
export function recipientValues(config: AppConfig, assets: MailingAssets, v: CompiledVariant, m: MessageForMail): FillValues {
  const secret = config.env.trackingSecret;
  const base = config.env.publicBaseUrl;
  const link = (position: number) => {
    const linkId = assets.linkIds.get(position);
    if (linkId === undefined) throw new Error(`mailing ${assets.mailing.id} has no link at position ${position}`);
    return clickUrl(base, clickToken(secret, m.id, linkId));
  };
  const values: FillValues = {
    greeting: greeting(m.full_name),
    client_name: quoted(m.client_name),
    specialist_line: specialistLine(m, config.ric.name),
    unsubscribe_url: unsubscribeUrl(base, unsubscribeToken(secret, m.id)),
    honeypot_url: link(0),
  };
  for (const p of v.links) values[`link.${p}`] = link(p);
  return values;
}

/** The complete e-mail of one message, ready for the transport (and for `preview --out x.eml`). */
export function messageMail(config: AppConfig, assets: MailingAssets, m: MessageForMail, at: Date): MailOptions {
  const v = assets.mailing.variants[m.variant];
  if (!v) throw new Error(`mailing ${assets.mailing.id} has no variant "${m.variant}"`);
  const values = recipientValues(config, assets, v, m);
  const token = unsubscribeToken(config.env.trackingSecret, m.id);
  const { bounceDomain, messageIdDomain } = config.smtp;
  const replyTo = m.specialist_email ?? config.smtp.replyTo;
  return {
    from: config.smtp.from,
    to: { name: headerSafe(m.full_name), address: headerSafe(m.to_email) },
    ...(replyTo ? { replyTo: headerSafe(replyTo) } : {}),
    subject: headerSafe(v.subject),
    date: at,
    html: fill(v.html, values),
    text: fill(v.text, values, 'text'),
    messageId: mailingMessageId(config.env.trackingSecret, m.id, messageIdDomain),
    envelope: { from: verpAddress(config.env.trackingSecret, m.id, bounceDomain), to: [headerSafe(m.to_email)] },
    headers: {
      'List-Unsubscribe': `<${values.unsubscribe_url}>, <mailto:unsubscribe+${token}@${bounceDomain}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Churnguard-Kind': headerSafe(assets.mailing.kind),
    },
    attachments: assets.attachments.map((a) => ({ raw: a.raw })),
  };
}
