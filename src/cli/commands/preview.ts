import { writeFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { App } from '../../app.js';
import { now } from '../../clock.js';
import { getContentFiles } from '../../db/contents.js';
import { linksOf } from '../../db/links.js';
import { attachmentsOf } from '../../db/mailings.js';
import { contactForMail, findMessageForMail } from '../../db/messages.js';
import { loadCandidates } from '../../db/recipients.js';
import { EXCLUSION_TEXT, judge } from '../../domain/recipients.js';
import { quoted } from '../../domain/ru.js';
import { composeOptions, contentFor, LPR_KIND, lprMonthly } from '../../jobs/lpr-monthly.js';
import { compileVariants, mailingLinks } from '../../mail/compose.js';
import { type MailingAssets, type MessageForMail, mailingAssets, messageMail, rawAttachment } from '../../mail/mailing.js';
import type { MailOptions } from '../../mail/transport.js';
import { periodForFire } from '../../queue/schedules.js';
import { type Command, emit, int, str, UsageError } from '../command.js';

interface Preview {
  mail: MailOptions;
  /** True when the message exists: the file is byte for byte what was (or will be) sent. */
  exact: boolean;
  variant: string;
  messageId: number | null;
}

/** Assets as the mailing would have them, without writing anything: stand-in link ids where none are stored yet. */
async function assetsWithoutMessage(app: App, period: string, variant: string): Promise<MailingAssets> {
  const { mailing, content } = await contentFor(app, period);
  const compiled = mailing?.variants[variant] ? mailing.variants : await compileVariants(content, [variant], composeOptions(app, period));
  const stored = mailing ? await linksOf(app.pool, mailing.id) : [];
  const loaded = mailing ? [] : await getContentFiles(app.pool, LPR_KIND, period);
  const linkIds = new Map(
    stored.length
      ? stored.map((l) => [l.position, l.id])
      : mailingLinks(content, app.config.lpr.honeypotUrl).map((l) => [l.position, l.position + 1]),
  );
  const files = mailing
    ? (await attachmentsOf(app.pool, mailing.id)).map((f) => rawAttachment(f.file_name, f.content_type, f.bytes))
    : content.collections.flatMap((c) => {
        const f = loaded.find((x) => x.name === c.file);
        return f ? [rawAttachment(f.name, f.contentType, f.bytes)] : [];
      });
  return { mailing: { id: mailing?.id ?? 0, kind: LPR_KIND, period, variants: compiled }, linkIds, attachments: files };
}

export async function previewMessage(app: App, period: string, contactId: number): Promise<Preview> {
  const existing = await findMessageForMail(app.pool, LPR_KIND, period, contactId);
  if (existing) {
    const assets = await mailingAssets(app, existing.mailing_id, existing.variant);
    return { mail: messageMail(app.config, assets, existing, now()), exact: true, variant: existing.variant, messageId: existing.id };
  }
  const { content } = await contentFor(app, period);
  const [candidate] = await loadCandidates(app.pool, LPR_KIND, period, contactId);
  const person = await contactForMail(app.pool, contactId);
  if (!candidate || !person) throw new UsageError(`--contact: контакта ${contactId} нет`);
  const j = judge(candidate, {
    period,
    includeLvpr: app.config.lpr.includeLvpr,
    defaultFrequencyMonths: app.config.lpr.defaultFrequencyMonths,
    hookAreas: content.newsHooks.map((h) => h.area),
  });
  if (!j.ok) throw new Error(`контакт ${contactId} не получит письмо за ${period}: ${EXCLUSION_TEXT[j.reason]}`);
  const assets = await assetsWithoutMessage(app, period, j.variant.key);
  const m: MessageForMail = { id: 0, variant: j.variant.key, to_email: (candidate.email as string).trim(), ...person };
  return { mail: messageMail(app.config, assets, m, now()), exact: false, variant: j.variant.key, messageId: null };
}

/** The whole e-mail as an RFC 5322 file, as the SMTP server would receive it. */
async function toEml(mail: MailOptions): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await t.sendMail(mail);
  return info.message as Buffer;
}

export const previewCommand: Command = {
  name: 'preview',
  summary: 'записать в файл письмо, которое получит контакт, в точности (HTML или .eml с заголовками и вложениями)',
  usage: 'preview lpr-monthly --contact <id> [--period YYYY-MM] --out FILE(.html|.eml) [--json]',
  options: { contact: { type: 'string' }, period: { type: 'string' }, out: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [kind]) {
    if (kind !== LPR_KIND) throw new UsageError(`неизвестная рассылка «${kind}» (известна: ${LPR_KIND})`);
    const contactId = int(values, 'contact', { min: 1 });
    if (contactId === undefined) throw new UsageError('нужен параметр --contact (номер контакта)');
    const out = str(values, 'out');
    if (!out) throw new UsageError('нужен параметр --out (файл .html или .eml)');
    const app = ctx.app();
    const given = str(values, 'period');
    if (given !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(given))
      throw new UsageError(`--period: «${given}» — не месяц (например, 2024-06)`);
    const period = given ?? periodForFire(app, lprMonthly, now());
    const p = await previewMessage(app, period, contactId);
    const eml = out.toLowerCase().endsWith('.eml');
    writeFileSync(out, eml ? await toEml(p.mail) : String(p.mail.html));
    emit(ctx, { period, contactId, file: out, variant: p.variant, messageId: p.messageId, exact: p.exact, subject: p.mail.subject }, () =>
      [
        `${out}: ${eml ? 'письмо целиком' : 'HTML письма'} контакту ${contactId}, ${period}, вариант ${p.variant}, тема ${quoted(p.mail.subject ?? '')}`,
        p.exact
          ? `  письмо № ${p.messageId}: ровно то, что отправляется`
          : '  письма этому контакту ещё нет: пока рассылка не создана, ссылки с учётом переходов несут временные номера',
        '',
      ].join('\n'),
    );
    return 0;
  },
};
