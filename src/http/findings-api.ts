/**
 * `POST /api/findings` (bearer ADMIN_TOKEN): record a competitor found at a client, as
 * `admin finding add` does. Body (JSON): `{ "client": 193254, "competitor": "Охрана труда",
 * "until"?: "2024-09", "contact"?: "Зыкова Юлия Анатольевна", "note"?: "…", "foundBy"?:
 * "Савостина К.А." }`. 201 with the new finding and its hand-off (signal, field task, comparison
 * task, who was alerted); 200 with `created: false` when the same finding was recorded before
 * (nothing else happens, so a double submission alerts once); 400 naming the bad field.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.js';
import { FindingFieldError, LIMITS, resolveFinding } from '../diagnostics/finding-input.js';
import { type RecordedFinding, recordFindings } from '../diagnostics/record-findings.js';
import { counter } from '../metrics.js';
import { adminGuard } from './auth.js';
import { problems } from './tasks-api.js';

const body = z.strictObject({
  client: z.union([z.number().int(), z.string()], { error: () => 'expected a client number, e.g. 193254' }),
  competitor: z.string({ error: () => "expected the competitor's system as a string, e.g. «Охрана труда»" }).max(LIMITS.competitor),
  until: z.string().max(40).nullish(),
  contact: z.string().max(LIMITS.contact).nullish(),
  note: z.string().max(LIMITS.note).nullish(),
  foundBy: z.string().max(200).nullish(),
});

const findingsTotal = counter(
  'churnguard_findings_total',
  'Competitor findings submitted over HTTP, by outcome (created, repeated, invalid)',
);

export function findingResponse(r: RecordedFinding) {
  const f = r.finding;
  return {
    finding: {
      id: f.id,
      clientId: f.client_id,
      competitor: f.competitor,
      validUntil: f.valid_until,
      contactName: f.contact_name,
      note: f.note,
      foundAt: f.found_at,
      foundBy: f.found_by,
      source: f.source,
      diagnosticsTaskId: f.diagnostics_task_id,
    },
    created: r.created,
    signalId: r.signalId,
    fieldTaskId: r.fieldTaskId,
    comparisonTaskId: r.comparisonTaskId,
    alert: r.alert,
  };
}

export async function findingsApiRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.post('/api/findings', { onRequest: adminGuard(app.config.env.adminToken) }, async (req, reply) => {
    const b = body.safeParse(req.body ?? null);
    if (!b.success) {
      findingsTotal.inc({ outcome: 'invalid' });
      return reply.code(400).send({ error: problems(b.error, 'body') });
    }
    let input: Awaited<ReturnType<typeof resolveFinding>>;
    try {
      input = await resolveFinding(app.pool, b.data, 'api');
    } catch (err) {
      if (!(err instanceof FindingFieldError)) throw err;
      findingsTotal.inc({ outcome: 'invalid' });
      return reply.code(400).send({ error: `body.${err.field}: ${err.message}` });
    }
    const res = await recordFindings(app, [input]);
    const r = res.findings[0] as RecordedFinding;
    findingsTotal.inc({ outcome: r.created ? 'created' : 'repeated' });
    return reply.code(r.created ? 201 : 200).send(findingResponse(r));
  });
}
