/**
 * `lpr-monthly` (period: month): stage 1 of the monthly two-stage contact with decision makers.
 * Selects the recipients (src/domain/recipients.ts), compiles each needed variant by MJML once,
 * and in one transaction creates the mailing (UNIQUE(kind, period)), its links, attachments and
 * one message per recipient (UNIQUE(mailing_id, contact_id)); after the commit the send jobs are
 * added in bulk (jobId `send.<messageId>`). A run killed at any line is finished by the next one:
 * every write is idempotent and the send jobs of all waiting messages are (re-)added.
 */
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { App } from '../app.js';
import { now } from '../clock.js';
import type { MonthContent } from '../content/schema.js';
import { insertCallOnlyTasks } from '../db/call-only-tasks.js';
import { getContent } from '../db/contents.js';
import { insertLinks } from '../db/links.js';
import { getMailing, type MailingRow, snapshotAttachments, upsertMailing } from '../db/mailings.js';
import { insertMessages, pendingMessageWaves } from '../db/messages.js';
import { withTransaction } from '../db/pool.js';
import { type CandidateRow, loadCandidates } from '../db/recipients.js';
import { type CallOnly, callOnlyContacts, callOnlyScript } from '../domain/call-only.js';
import { localDate, zonedTime } from '../domain/dates.js';
import { jobName } from '../domain/job-names.js';
import { LPR_KIND } from '../domain/mailing-content.js';
import { periodName } from '../domain/periods.js';
import { EXCLUSION_TEXT, type Exclusion, type Selection, selectRecipients, variantTitle } from '../domain/recipients.js';
import { count, monthSubject, monthTitle } from '../domain/ru.js';
import { dmy } from '../domain/ru-dates.js';
import { compileVariants, composeOptions, mailingLinks } from '../mail/compose.js';
import { dispatchMessages } from '../mail/send-message.js';
import { callsNotBefore, planMailingWaves } from '../workload/waves.js';
import type { JobContext, PeriodicJob, Trigger } from './types.js';

export { LPR_KIND } from '../domain/mailing-content.js';
export { composeOptions } from '../mail/compose.js';

const options = z.strictObject({
  /** Send in daily waves also on demand (a scheduled run always does). */
  waves: z.boolean().optional(),
});
type Options = z.infer<typeof options>;

export interface Prepared {
  mailing: MailingRow | null;
  content: MonthContent;
  selection: Selection<CandidateRow>;
  /** Decision makers due this month who cannot be mailed: a call task each, with the reason. */
  callOnly: CallOnly<CandidateRow>[];
}

/** The content a period's mailing uses: the mailing's own snapshot once it exists, else the loaded content. */
export async function contentFor(app: App, period: string): Promise<{ mailing: MailingRow | null; content: MonthContent }> {
  const mailing = await getMailing(app.pool, LPR_KIND, period);
  if (mailing) return { mailing, content: mailing.content };
  const stored = await getContent(app.pool, LPR_KIND, period);
  if (!stored) {
    throw new UnrecoverableError(
      `нет содержания письма за ${period}: загрузите его («admin content load content/${period}» или страница «Письмо месяца» в Ежедневнике), затем «admin trigger lpr-monthly --period ${period}»`,
    );
  }
  return { mailing: null, content: stored.content };
}

export async function prepare(app: App, period: string): Promise<Prepared> {
  const { mailing, content } = await contentFor(app, period);
  const candidates = await loadCandidates(app.pool, LPR_KIND, period);
  const selection = selectRecipients(candidates, {
    period,
    includeLvpr: app.config.lpr.includeLvpr,
    defaultFrequencyMonths: app.config.lpr.defaultFrequencyMonths,
    hookAreas: content.newsHooks.map((h) => h.area),
  });
  const callOnly = callOnlyContacts(candidates, {
    period,
    includeLvpr: app.config.lpr.includeLvpr,
    defaultFrequencyMonths: app.config.lpr.defaultFrequencyMonths,
    hookAreas: content.newsHooks.map((h) => h.area),
  });
  return { mailing, content, selection, callOnly };
}

/** Scheduled on a day off, the mailing waits for the next working day's `sendHour`; on demand it sends now. */
export function sendAfter(app: App, trigger: Trigger, at: Date): Date {
  const tz = app.config.ric.timeZone;
  const today = localDate(at, tz);
  if (trigger === 'admin' || app.calendar.isWorkingDay(today)) return at;
  return zonedTime(app.calendar.addWorkingDays(today, 0), app.config.lpr.sendHour, 0, tz);
}

function excludedText(excluded: Partial<Record<Exclusion, number>>): string[] {
  return Object.entries(excluded).map(([k, n]) => `  ${EXCLUSION_TEXT[k as Exclusion]}: ${n}`);
}

const RECIPIENTS: [string, string, string] = ['получатель', 'получателя', 'получателей'];
const LETTERS: [string, string, string] = ['письмо', 'письма', 'писем'];

async function plan(ctx: JobContext<Options>) {
  const { selection, mailing, callOnly } = await prepare(ctx.app, ctx.period);
  const first = selection.recipients.slice(0, 20).map((r) => ({
    contactId: r.contactId,
    name: r.fullName,
    client: `${r.clientNumber} - ${r.clientName}`,
    email: r.email,
    variant: r.variant.key,
  }));
  const lines = [
    `${jobName(LPR_KIND)}, ${periodName(ctx.period)} (пробный запуск, ничего не отправлено): ${count(selection.recipients.length, RECIPIENTS)}${mailing ? `; рассылка уже создана (№ ${mailing.id}), добавились бы только контакты без письма` : ''}`,
    '',
    'По вариантам:',
    ...(Object.keys(selection.perVariant).length
      ? Object.entries(selection.perVariant).map(([k, n]) => `  ${variantTitle(k)}: ${n}`)
      : ['  (получателей нет)']),
  ];
  if (Object.keys(selection.excluded).length) lines.push('', 'Не выбраны:', ...excludedText(selection.excluded));
  lines.push('', `Звонки без письма (нет годного адреса или согласия): ${callOnly.length}`);
  lines.push('', `Первые ${first.length}:`, ...first.map((r) => `  ${r.contactId}  ${r.name} <${r.email}>  ${r.client}  [${r.variant}]`));
  // The waves: per specialist and sending day, how many e-mails go and on which day their calls come.
  const after = mailing?.send_after ?? sendAfter(ctx.app, ctx.trigger, now());
  const waves = await planMailingWaves(ctx.app, ctx.app.pool, ctx.period, after, selection.recipients);
  const names = new Map(
    (await ctx.app.pool.query<{ id: number; name: string }>('SELECT id, name FROM employees')).rows.map((r) => [r.id, r.name]),
  );
  const perSpecialist = new Map<string, Map<string, number>>();
  for (const r of selection.recipients) {
    const who = r.specialistId === null ? '(без специалиста)' : (names.get(r.specialistId) ?? String(r.specialistId));
    const day = waves.day.get(r.contactId) as string;
    const m = perSpecialist.get(who) ?? new Map<string, number>();
    m.set(day, (m.get(day) ?? 0) + 1);
    perSpecialist.set(who, m);
  }
  const waveRows = [...perSpecialist.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([specialist, days]) =>
      [...days.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([day, emails]) => ({ specialist, day, emails, callsOn: waves.callDay(day) })),
    );
  lines.push(
    '',
    `Волны по специалистам (день письма → звонки через ${count(ctx.app.config.lpr.callAfterWorkingDays, ['рабочий день', 'рабочих дня', 'рабочих дней'])}):`,
    ...waveRows.map((w) => `  ${w.specialist}  ${dmy(w.day)}: ${count(w.emails, LETTERS)}, звонки ${dmy(w.callsOn)}`),
  );
  return {
    waves: waveRows,
    period: ctx.period,
    recipients: selection.recipients.length,
    perVariant: selection.perVariant,
    excluded: selection.excluded,
    callOnly: callOnly.length,
    first,
    text: `${lines.join('\n')}\n`,
  };
}

async function run(ctx: JobContext<Options>) {
  const { app, period, trigger, log } = ctx;
  const { mailing, content, selection, callOnly } = await prepare(app, period);
  // The call without the e-mail: planned for when the mailing goes out, once per contact and
  // month; a person called not long ago, `lpr.minDaysBetweenCalls` after that call.
  const callOnlyFrom = mailing?.send_after ?? sendAfter(app, trigger, now());
  const notBefore = await callsNotBefore(
    app,
    app.pool,
    period,
    callOnly.map((c) => c.candidate.contactId),
  );
  const callOnlyTasks = await insertCallOnlyTasks(
    app.pool,
    period,
    callOnly.map((c) => {
      const day = notBefore.get(c.candidate.contactId);
      const later = day ? zonedTime(day, 9, 0, app.config.ric.timeZone) : null;
      return {
        contactId: c.candidate.contactId,
        clientId: c.candidate.clientId,
        fullName: c.candidate.fullName,
        reason: c.reason,
        text: callOnlyScript(c.reason, monthTitle(period).toLowerCase()),
        plannedAt: later && later > callOnlyFrom ? later : callOnlyFrom,
      };
    }),
    now(),
  );
  const stats = {
    callOnly: callOnly.length,
    callOnlyTasks,
    recipients: selection.recipients.length,
    perVariant: selection.perVariant,
    excluded: selection.excluded,
    messagesCreated: 0,
    variantsCompiled: 0,
    queued: 0,
  };
  if (!selection.recipients.length && !mailing) {
    log.info({ period }, 'no recipients: no mailing created');
    return { ...stats, note: 'no recipients' };
  }
  const have = new Set(Object.keys(mailing?.variants ?? {}));
  const missing = Object.keys(selection.perVariant).filter((k) => !have.has(k));
  const variants = await compileVariants(content, missing, composeOptions(app, period));
  await ctx.heartbeat();
  const at = now();
  const after = mailing?.send_after ?? sendAfter(app, trigger, at);
  // The daily waves, paced to the calls (a contact that already has a message keeps its wave).
  // On demand (`admin trigger`) the whole mailing goes now unless `--option waves=true`.
  const waves =
    trigger !== 'admin' || ctx.options.waves ? await planMailingWaves(app, app.pool, period, after, selection.recipients) : null;
  const { mailingId, created } = await withTransaction(app.pool, async (db) => {
    const m = await upsertMailing(
      db,
      { kind: LPR_KIND, period, subject: monthSubject(period, content.subject), content, variants, sendAfter: after },
      at,
    );
    await insertLinks(db, m.id, mailingLinks(content, app.config.lpr.honeypotUrl));
    await snapshotAttachments(db, m.id, LPR_KIND, period, content);
    const created = await insertMessages(
      db,
      m.id,
      selection.recipients.map((r) => ({
        contactId: r.contactId,
        clientId: r.clientId,
        variant: r.variant.key,
        toEmail: (r.email as string).trim(),
        sendAfter: waves?.sendAt.get(r.contactId) ?? null,
      })),
      at,
    );
    return { mailingId: m.id, created };
  });
  await ctx.heartbeat();
  // One bulk add per wave, each delayed to its own time.
  const pending = await pendingMessageWaves(app.pool, mailingId);
  const byTime = new Map<number, number[]>();
  for (const p of pending) {
    const t = (p.send_after ?? after).getTime();
    const list = byTime.get(t);
    if (list) list.push(p.id);
    else byTime.set(t, [p.id]);
  }
  for (const [t, list] of byTime) await dispatchMessages(app, list, { delayMs: t - now().getTime() });
  const ids = pending.map((p) => p.id);
  log.info({ mailingId, created, queued: ids.length, waves: byTime.size, sendAfter: after }, 'mailing queued');
  return {
    ...stats,
    mailingId,
    messagesCreated: created,
    variantsCompiled: missing.length,
    queued: ids.length,
    waves: byTime.size,
    sendAfter: after.toISOString(),
  };
}

export const lprMonthly: PeriodicJob<Options> = {
  kind: 'periodic',
  createsWork: true,
  name: LPR_KIND,
  description: 'monthly e-mail to decision makers (ЛПР): select, compile each variant once, queue one message per recipient',
  periodKind: 'month',
  schedule: 'lpr-monthly',
  options,
  run,
  plan,
};
