/**
 * Escalation: a signal not acknowledged within `signals.ackWorkingHours` working hours of its
 * detection is escalated to the head of the field specialist's department (the people who
 * must react), falling back to the head of the remote specialist's department: one e-mail per
 * head and run — the signal in full, or a digest listing several. Closing the
 * hand-off task counts as acknowledging the signal.
 */
import { createHash } from 'node:crypto';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { type ClientCard, departmentHeads, type Head, loadClientCards } from '../db/client-cards.js';
import { withTransaction } from '../db/pool.js';
import { acknowledgeByClosedTasks, escalationCandidates, markEscalated, type SignalRow } from '../db/signals.js';
import { dispatchNotifications, queueNotification } from '../mail/outbox.js';
import { renderEscalation, renderEscalationDigest } from './alert-email.js';
import { escalationDeadline } from './raise-signals.js';

export function escalationRecipient(card: ClientCard, heads: ReadonlyMap<number, Head>): Head | null {
  for (const dep of [card.field_department_id, card.remote_department_id]) {
    const h = dep ? heads.get(dep) : undefined;
    if (h) return h;
  }
  return null;
}

export interface EscalationStats {
  acknowledgedByTasks: number;
  overdue: number;
  escalated: number;
  /** Overdue signals whose client has no department head to write to (retried next run). */
  noHead: number;
}

export async function escalateOverdue(app: App): Promise<EscalationStats> {
  const at = now();
  const acknowledgedByTasks = await acknowledgeByClosedTasks(app.pool);
  // Working hours never outnumber calendar hours, so older than N hours is a safe pre-filter.
  const candidates = await escalationCandidates(app.pool, new Date(at.getTime() - app.config.signals.ackWorkingHours * 3_600_000));
  const overdue = candidates.filter((s) => escalationDeadline(app, s.detected_at) <= at);
  const stats: EscalationStats = { acknowledgedByTasks, overdue: overdue.length, escalated: 0, noHead: 0 };
  if (!overdue.length) return stats;
  const ids = await withTransaction(app.pool, async (db) => {
    const cards = await loadClientCards(
      db,
      overdue.map((s) => s.client_id),
    );
    const heads = await departmentHeads(db);
    // One e-mail per head: a single signal in full, several as one digest.
    const byHead = new Map<number, { head: Head; items: { signal: SignalRow; card: ClientCard }[] }>();
    for (const s of overdue) {
      const card = cards.get(s.client_id) as ClientCard;
      const head = escalationRecipient(card, heads);
      if (!head) {
        stats.noHead++;
        app.log.warn({ signalId: s.id, clientId: s.client_id }, 'overdue signal: no department head to escalate to');
        continue;
      }
      const group = byHead.get(head.id) ?? { head, items: [] };
      group.items.push({ signal: s, card });
      byHead.set(head.id, group);
    }
    const out: number[] = [];
    for (const { head, items } of byHead.values()) {
      const first = items[0] as { signal: SignalRow; card: ClientCard };
      const mail =
        items.length === 1
          ? await renderEscalation(app, first.signal, first.card, first.card.field_name ?? 'специалист ТС не назначен')
          : await renderEscalationDigest(app, items);
      const signalIds = items.map((i) => i.signal.id).sort((a, b) => a - b);
      const n = await queueNotification(db, {
        kind: 'signal-escalation',
        // The same set of signals gives the same key: a repeated run queues nothing new.
        dedupKey: `signal-escalation.${head.id}.${createHash('sha256').update(signalIds.join(',')).digest('hex').slice(0, 24)}`,
        employeeId: head.id,
        toEmail: head.email,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
      });
      const marked = await markEscalated(db, signalIds, n.id, at);
      stats.escalated += marked;
      if (marked) out.push(n.id);
    }
    return out;
  });
  await dispatchNotifications(app, ids);
  return stats;
}
