/**
 * `POST /api/tasks/:id/outcome` (bearer ADMIN_TOKEN): the specialist's outcome of a task, as
 * `admin task done` records it. Body: `{ "outcome": "held" | "held-with-login" | "not-reached"
 * | "refused", "note"?: string, "next"?: string, "followUp"?: "YYYY-MM-DD", "frequency"?: string }`; a competitor-diagnostics task: `{ "outcome":
 * "no-competitor" | "competitor-found", "competitor"?, "until"?, "contact"?, "note"? }`. 200 with
 * the task and the contact event (or the finding); 400 naming the bad field; 404 unknown task;
 * 409 a task already closed otherwise, or an outcome of another kind of task.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { closeTask, type OutcomeFinding, TASK_OUTCOME_NAMES } from '../diagnostics/close-task.js';
import { FindingFieldError, findingDetails, LIMITS } from '../diagnostics/finding-input.js';
import { type ContactFrequency, ContactFrequencyError, parseContactFrequency } from '../domain/contact-frequency.js';
import { localDate } from '../domain/dates.js';
import { FollowUpError, parseFollowUp } from '../health/follow-up.js';
import { adminGuard } from './auth.js';

const params = z.strictObject({ id: z.string().regex(/^\d{1,15}$/, 'expected a task number') });

const body = z.strictObject({
  outcome: z.enum(TASK_OUTCOME_NAMES, { error: () => `expected one of ${TASK_OUTCOME_NAMES.join(', ')}` }),
  note: z.string().trim().max(4000).optional(),
  next: z.string().trim().max(4000).optional(),
  competitor: z.string().max(LIMITS.competitor).optional(),
  until: z.string().max(40).optional(),
  contact: z.string().max(LIMITS.contact).optional(),
  /** The next contact agreed: a call task for the same contact on that day (YYYY-MM-DD). */
  followUp: z.string().max(10).optional(),
  /** The contact's new frequency: months ("3") or e.g. "2 р в месяц", "раз в 2 недели". */
  frequency: z.string().max(100).optional(),
});

/** Zod issues as one line, each naming its field (`body.outcome: …`). */
export function problems(error: z.ZodError, where: string): string {
  return error.issues
    .map((i) =>
      i.code === 'unrecognized_keys'
        ? `${where}: unknown field ${i.keys.map((k) => `"${k}"`).join(', ')}`
        : `${where}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`,
    )
    .join('; ');
}

export async function tasksApiRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.post('/api/tasks/:id/outcome', { onRequest: adminGuard(app.config.env.adminToken) }, async (req, reply) => {
    const p = params.safeParse(req.params);
    if (!p.success) return reply.code(400).send({ error: problems(p.error, 'id') });
    const b = body.safeParse(req.body ?? null);
    if (!b.success) return reply.code(400).send({ error: problems(b.error, 'body') });
    const id = Number(p.data.id);
    const { competitor, until, contact, outcome, note, next } = b.data;
    let followUp: string | null = null;
    if (b.data.followUp !== undefined) {
      try {
        followUp = parseFollowUp(b.data.followUp, localDate(now(), app.config.ric.timeZone));
      } catch (err) {
        if (err instanceof FollowUpError) return reply.code(400).send({ error: `body.followUp: ${err.message}` });
        throw err;
      }
    }
    let frequency: ContactFrequency | null = null;
    if (b.data.frequency !== undefined) {
      try {
        frequency = parseContactFrequency(b.data.frequency);
      } catch (err) {
        if (err instanceof ContactFrequencyError) return reply.code(400).send({ error: `body.frequency: ${err.message}` });
        throw err;
      }
    }
    if (competitor === undefined && (until ?? contact) !== undefined)
      return reply.code(400).send({ error: 'body.competitor: required with until and contact (they describe a finding)' });
    if (competitor !== undefined && outcome !== 'competitor-found')
      return reply.code(400).send({ error: 'body.competitor: goes with the outcome competitor-found' });
    let finding: OutcomeFinding | null = null;
    if (competitor !== undefined) {
      try {
        finding = findingDetails({ competitor, until, contact, note });
      } catch (err) {
        if (err instanceof FindingFieldError) return reply.code(400).send({ error: `body.${err.field}: ${err.message}` });
        throw err;
      }
    }
    const res = await closeTask(app, id, { outcome, note: note || null, next: next || null, finding, followUp, frequency });
    if (res.kind === 'incomplete') return reply.code(400).send({ error: `body.competitor: ${res.message}` });
    if (res.kind === 'not-found') return reply.code(404).send({ error: `task ${id} does not exist` });
    if (res.kind === 'conflict') return reply.code(409).send({ error: res.message });
    return reply.send({
      task: { id: res.task.id, state: res.task.state, outcome: res.task.outcome, note: res.task.note, nextPrep: res.task.next_prep },
      eventId: res.eventId,
      changed: res.changed,
      ...(res.followUpTaskId ? { followUpTaskId: res.followUpTaskId } : {}),
      ...(res.finding ? { finding: { id: res.finding.finding.id, created: res.finding.created, signalId: res.finding.signalId } } : {}),
    });
  });
}
