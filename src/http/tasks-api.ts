/**
 * `POST /api/tasks/:id/outcome` (bearer ADMIN_TOKEN): the specialist's outcome of a task, as
 * `admin task done` records it. Body: `{ "outcome": "held" | "held-with-login" | "not-reached"
 * | "refused", "note"?: string, "next"?: string }` (the outcomes of src/domain/task-outcomes.ts that
 * apply to the task's kind). 200 with the task and the contact event; 400 naming the bad field;
 * 404 unknown task; 409 a task already closed otherwise.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { withTransaction } from '../db/pool.js';
import { recordOutcome } from '../db/task-outcomes.js';
import { OUTCOME_NAMES, type Outcome } from '../domain/task-outcomes.js';
import { adminGuard } from './auth.js';

const params = z.strictObject({ id: z.string().regex(/^\d{1,15}$/, 'expected a task number') });

const body = z.strictObject({
  outcome: z.enum(OUTCOME_NAMES as [Outcome, ...Outcome[]], { error: () => `expected one of ${OUTCOME_NAMES.join(', ')}` }),
  note: z.string().trim().max(4000).optional(),
  next: z.string().trim().max(4000).optional(),
});

function problems(error: z.ZodError, where: string): string {
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
    const res = await withTransaction(app.pool, (db) =>
      recordOutcome(db, id, { outcome: b.data.outcome, note: b.data.note || null, next: b.data.next || null }, now()),
    );
    if (res.kind === 'not-found') return reply.code(404).send({ error: `task ${id} does not exist` });
    if (res.kind === 'not-applicable') return reply.code(400).send({ error: `body.outcome: ${res.message}` });
    if (res.kind === 'conflict') return reply.code(409).send({ error: res.message });
    return reply.send({
      task: { id: res.task.id, state: res.task.state, outcome: res.task.outcome, note: res.task.note, nextPrep: res.task.next_prep },
      eventId: res.eventId,
      changed: res.changed,
    });
  });
}
