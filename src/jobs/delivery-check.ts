/**
 * `delivery-check` (every 15 minutes): reads the bounce mailbox at IMAP_URL. Each message in
 * INBOX is classified (src/mail/bounces.ts) — a bounce, an automatic reply, or an e-mail to
 * the List-Unsubscribe mailto (`unsubscribe+<token>@…`, which unsubscribes) — and a bounce is
 * matched to our message — by the signed VERP
 * address, or by our Message-ID in the returned headers when the recipient is the message's
 * own address. In one transaction: bounce events, message states, suppressed contacts, a
 * `fix-email` task per suppressed address for the client's remote specialist, the ledger row.
 * Only after the commit are the messages moved: bounces and automatic replies to `Processed`,
 * anything unreadable or not ours to `Review`. A crash before the commit leaves everything in
 * INBOX; a crash after it re-reads bounces whose events are already recorded (no-op by
 * their SHA-256). Without IMAP_URL the run records that no mailbox is configured.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { applyBounces, type BounceInput, messageAddresses, type SuppressedContact } from '../db/bounces.js';
import { type MailboxCounts, NO_COUNTS, recordMailboxCheck } from '../db/mailbox-checks.js';
import { withTransaction } from '../db/pool.js';
import { addressTaskKey, insertTasks, type NewTask } from '../db/tasks.js';
import { unsubscribeByMessage } from '../db/unsubscribe.js';
import { localDate, zonedTime } from '../domain/dates.js';
import { type MailboxItem, readMailboxItem } from '../mail/bounces.js';
import { openBounceMailbox, publicMailboxUrl } from '../mail/mailbox.js';
import type { PeriodicJob } from './types.js';

interface ReadItem {
  uid: number;
  sourceKey: string;
  item: MailboxItem;
}

/** Our message named by a bounce: the VERP one if it exists, else a quoted one sent to the failed recipient. */
function matchMessage(item: MailboxItem, addresses: Map<number, string>): { messageId: number; by: 'verp' | 'message-id' } | null {
  if (item.type !== 'bounce') return null;
  if (item.verpMessageId !== null && addresses.has(item.verpMessageId)) return { messageId: item.verpMessageId, by: 'verp' };
  const rcpt = item.recipient?.toLowerCase();
  const quoted = rcpt ? item.quotedMessageIds.find((id) => addresses.get(id) === rcpt) : undefined;
  return quoted !== undefined ? { messageId: quoted, by: 'message-id' } : null;
}

function fixEmailTask(app: App, s: SuppressedContact, at: Date): NewTask {
  const tz = app.config.ric.timeZone;
  const due = app.calendar.addWorkingDays(localDate(at, tz), 2);
  const why = s.reason === 'hard' ? `письмо не доставлено${s.status ? ` (${s.status})` : ''}` : 'письма несколько раз подряд не доставлены';
  return {
    kind: 'fix-email',
    title: `Уточнить e-mail контактного лица ${s.fullName}: ${why}, адрес ${s.email} исключён из рассылок`,
    assigneeId: s.remoteSpecialistId,
    clientId: s.clientId,
    contactId: s.contactId,
    dueAt: zonedTime(due, 18, 0, tz),
    priority: 2,
    payload: { email: s.email, reason: s.reason, status: s.status, diagnostic: s.diagnostic, messageId: s.messageId },
    dedupKey: addressTaskKey(s.contactId, s.email),
    createdBy: 'delivery-check',
  };
}

export const deliveryCheck: PeriodicJob<Record<string, never>> = {
  kind: 'periodic',
  createsWork: true,
  name: 'delivery-check',
  description: 'read the bounce mailbox: bounced messages, suppressed addresses, fix-email tasks',
  periodKind: 'none',
  schedule: 'delivery-check',
  options: z.strictObject({}),
  async run({ app, log }) {
    const at = now();
    const { imapUrl } = app.config.env;
    if (!imapUrl) {
      await recordMailboxCheck(app.pool, { checkedAt: at, outcome: 'not_configured', mailbox: null, error: null, ...NO_COUNTS });
      return { mailbox: 'not configured' };
    }
    const cfg = app.config.bounces;
    const box = await openBounceMailbox(imapUrl, { folders: [cfg.processedFolder, cfg.reviewFolder], timeoutMs: cfg.timeoutMs }).catch(
      async (err: Error) => {
        const checked = { checkedAt: at, outcome: 'error' as const, mailbox: publicMailboxUrl(imapUrl), error: err.message };
        await recordMailboxCheck(app.pool, { ...checked, ...NO_COUNTS });
        throw err;
      },
    );
    try {
      const fetched = await box.fetchInbox(cfg.maxPerRun);
      const opts = {
        trackingSecret: app.config.env.trackingSecret,
        messageIdDomain: app.config.smtp.messageIdDomain,
        bounceDomain: app.config.smtp.bounceDomain,
      };
      const read: ReadItem[] = [];
      for (const m of fetched) {
        read.push({
          uid: m.uid,
          sourceKey: createHash('sha256').update(m.source).digest('hex'),
          item: await readMailboxItem(m.source, opts),
        });
      }
      const ids = read.flatMap((r) =>
        r.item.type === 'bounce' ? [...(r.item.verpMessageId ? [r.item.verpMessageId] : []), ...r.item.quotedMessageIds] : [],
      );
      const addresses = await messageAddresses(app.pool, [...new Set(ids)]);
      const inputs: BounceInput[] = [];
      const processed: number[] = [];
      const review: number[] = [];
      const unsubscribes: number[] = [];
      const counts: MailboxCounts = { ...NO_COUNTS, fetched: read.length };
      for (const r of read) {
        const match = matchMessage(r.item, addresses);
        if (r.item.type === 'auto-reply') {
          counts.autoReplies++;
          processed.push(r.uid);
        } else if (r.item.type === 'unsubscribe') {
          counts.unsubscribes++;
          unsubscribes.push(r.item.messageId);
          processed.push(r.uid);
        } else if (r.item.type === 'bounce' && match) {
          counts[r.item.kind]++;
          processed.push(r.uid);
          const { kind, status, diagnostic, recipient, format, receivedAt } = r.item;
          inputs.push({
            sourceKey: r.sourceKey,
            messageId: match.messageId,
            kind,
            status,
            diagnostic,
            recipient,
            format,
            matchedBy: match.by,
            receivedAt,
          });
        } else {
          review.push(r.uid);
          log.warn({ uid: r.uid, why: r.item.type === 'bounce' ? 'names no message of ours' : r.item.reason }, 'bounce mailbox: to Review');
        }
      }
      counts.review = review.length;
      const applied = await withTransaction(app.pool, async (db) => {
        const res = await applyBounces(db, inputs, at, cfg);
        // Few per run, one atomic statement each (the same as the one-click POST).
        for (const messageId of unsubscribes) await unsubscribeByMessage(db, messageId, at);
        const tasks = await insertTasks(
          db,
          res.suppressed.map((s) => fixEmailTask(app, s, at)),
          at,
        );
        counts.suppressed = res.suppressed.length;
        await recordMailboxCheck(db, { checkedAt: at, outcome: 'ok', mailbox: box.url, error: null, ...counts });
        return { recorded: res.recorded, tasks: tasks.size };
      });
      // After the commit only: a crash before this line leaves the messages in INBOX.
      await box.move(processed, cfg.processedFolder);
      await box.move(review, cfg.reviewFolder);
      return { mailbox: box.url, ...counts, eventsRecorded: applied.recorded, tasksCreated: applied.tasks };
    } finally {
      await box.close();
    }
  },
};
