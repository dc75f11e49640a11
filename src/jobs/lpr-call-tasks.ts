/**
 * `lpr-call-tasks` (daily 09:00, period: day): stage 2 of the monthly contact. For the day D,
 * every message sent on a day whose N-th working day (Russian production calendar) is D or
 * earlier gets one call task for the client's remote specialist (dedup key
 * `lpr-call.<messageId>`); a bounced message gets a "verify the address" task instead, keyed
 * per contact and address so that it is the same task as the bounce mailbox's fix-email task.
 * Running a day twice, or two days late, creates each task once.
 */
import { z } from 'zod';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { clicksOfMessages, type DueMessageRow, dueMessages, linksOfMailings } from '../db/call-tasks.js';
import { closeFinishedMailings } from '../db/mailings.js';
import { addressTaskKey, insertTasks, type NewTask } from '../db/tasks.js';
import { type Click, callTask, type SentLink, unsentTask, verifyAddressTask } from '../domain/call-task.js';
import { addDays, type IsoDate, zonedTime } from '../domain/dates.js';
import { NO_SMTPUTF8_REASON } from '../domain/email-address.js';
import { ruDateTime } from '../domain/formats.js';
import { classifyPendingClicks } from './click-check.js';
import { LPR_KIND } from './lpr-monthly.js';
import type { PeriodicJob } from './types.js';

/** The latest day whose N-th working day is `today` or earlier: messages sent up to it are due. */
export function lastDueSendDay(app: App, today: IsoDate, n: number): IsoDate {
  let d = today;
  while (app.calendar.addWorkingDays(d, n) > today) d = addDays(d, -1);
  return d;
}

type LinksByMailing = Map<number, Map<number, SentLink>>;

function buildTask(
  app: App,
  m: DueMessageRow,
  links: LinksByMailing,
  clicks: Map<number, Click[]>,
  counts: Map<number, { unclassified: number; bots: number }>,
  today: IsoDate,
): NewTask {
  const tz = app.config.ric.timeZone;
  const fmt = (at: Date) => ruDateTime(at, tz).slice(0, 16);
  const subject = m.subject ?? m.period;
  const person = {
    contactName: m.full_name,
    position: m.position,
    phone: m.phone,
    clientNumber: m.client_number,
    clientName: m.client_name,
  };
  const ofMailing = links.get(m.mailing_id) ?? new Map<number, SentLink>();
  const t =
    m.state === 'failed'
      ? unsentTask(
          { messageId: m.id, ...person, subject, email: m.to_email, reason: m.error ?? '', failedAt: (m.sending_at ?? now()) as Date },
          fmt,
        )
      : m.state === 'bounced'
        ? verifyAddressTask(
            {
              messageId: m.id,
              ...person,
              subject,
              email: m.to_email,
              smtpResponse: m.smtp_response ?? m.error,
              bouncedAt: m.bounced_at as Date,
            },
            fmt,
          )
        : callTask(
            {
              messageId: m.id,
              ...person,
              subject,
              sentAt: m.sent_at as Date,
              links: (m.link_positions ?? []).flatMap((p) => ofMailing.get(p) ?? []),
              humanClicks: clicks.get(m.id) ?? [],
              unclassifiedClicks: counts.get(m.id)?.unclassified ?? 0,
              botClicks: counts.get(m.id)?.bots ?? 0,
              previousNextPrep: m.previous_next_prep,
            },
            fmt,
          );
  return {
    kind: t.kind,
    direction: 'remote_contact',
    title: t.title,
    priority: t.priority,
    assigneeId: m.remote_specialist_id,
    clientId: m.client_id,
    contactId: m.contact_id,
    plannedAt: zonedTime(today, 9, 0, tz),
    dueAt: zonedTime(app.calendar.addWorkingDays(today, app.config.lpr.callDueWorkingDays), 18, 0, tz),
    payload: { ...t.payload, mailingId: m.mailing_id, period: m.period },
    // A bounce has one address task, shared with the bounce mailbox's fix-email task.
    dedupKey: m.state === 'bounced' ? addressTaskKey(m.contact_id, m.to_email) : `lpr-call.${m.id}`,
    createdBy: 'lpr-call-tasks',
  };
}

export const lprCallTasks: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  createsWork: true,
  name: 'lpr-call-tasks',
  description: 'call tasks N working days after the monthly e-mail to decision makers; "verify the address" for bounces',
  periodKind: 'day',
  schedule: 'lpr-call-tasks',
  options: z.strictObject({}),
  async run({ app, period, heartbeat }) {
    const tz = app.config.ric.timeZone;
    const today = period;
    // Human clicks are what the task shows: classify what the hourly click-check has not yet.
    await classifyPendingClicks(app, heartbeat);
    const dueDay = lastDueSendDay(app, today, app.config.lpr.callAfterWorkingDays);
    const due = await dueMessages(app.pool, LPR_KIND, {
      sentBefore: zonedTime(addDays(dueDay, 1), 0, 0, tz),
      bouncedBefore: zonedTime(addDays(today, 1), 0, 0, tz),
      since: zonedTime(addDays(today, -app.config.lpr.callLookbackDays), 0, 0, tz),
      unsentReasons: [NO_SMTPUTF8_REASON],
    });
    const mailingIds = [...new Set(due.map((m) => m.mailing_id))];
    const linkRows = mailingIds.length ? await linksOfMailings(app.pool, mailingIds) : [];
    const links: LinksByMailing = new Map();
    const linkById = new Map<number, { title: string; url: string; kind: string }>();
    for (const l of linkRows) {
      linkById.set(l.id, { title: l.title ?? l.url, url: l.url, kind: l.kind });
      if (l.kind === 'honeypot') continue;
      const ofMailing = links.get(l.mailing_id) ?? new Map<number, SentLink>();
      ofMailing.set(l.position, { title: l.title ?? l.url, url: l.url });
      links.set(l.mailing_id, ofMailing);
    }
    const sentIds = due.filter((m) => m.state === 'sent').map((m) => m.id);
    const clickRows = sentIds.length ? await clicksOfMessages(app.pool, sentIds) : [];
    const clicks = new Map<number, Click[]>();
    const counts = new Map<number, { unclassified: number; bots: number }>();
    for (const c of clickRows) {
      const link = linkById.get(c.link_id);
      const n = counts.get(c.message_id) ?? { unclassified: 0, bots: 0 };
      counts.set(c.message_id, n);
      // Human = classified not-a-bot by click-check; unclassified clicks are shown as a count only.
      if (c.is_bot === null) n.unclassified++;
      else if (c.is_bot || link?.kind === 'honeypot') n.bots++;
      else if (link)
        clicks.set(c.message_id, [...(clicks.get(c.message_id) ?? []), { title: link.title, url: link.url, at: c.clicked_at }]);
    }
    const tasks = due.map((m) => buildTask(app, m, links, clicks, counts, today));
    const created = await insertTasks(app.pool, tasks, now());
    const done = await closeFinishedMailings(app.pool);
    return {
      day: today,
      sentUpTo: dueDay,
      callTasks: tasks.filter((t) => t.kind === 'lpr-call' && created.has(t.dedupKey)).length,
      verifyAddressTasks: tasks.filter((t) => t.kind === 'lpr-verify-email' && created.has(t.dedupKey)).length,
      mailingsDone: done,
    };
  },
};
