/**
 * The reaction benchmark's scenario (bench/reaction.ts) with 2 drops, so that a change that
 * breaks it shows in `npm test`: a running service (the real entry point, scheduler and worker
 * roles, its own process) watching its inbox imports staff, clients and their decision makers,
 * then two contacts exports each bringing a client's new ЛПР; each ends as the alert e-mail
 * naming the new ЛПР, accepted by a real SMTP server. No timing is asserted (that is the bench's).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reactionScenario } from '../../bench/reaction.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;

beforeAll(async () => {
  t = await createTestEnv();
});
afterAll(() => t?.close());

it('turns each of 2 contacts exports dropped into the inbox into the alert naming the new ЛПР', { timeout: 600_000 }, async () => {
  const res = await reactionScenario({ app: t.app, env: t.env, varDir: t.varDir }, 2, 1000);
  expect(res.reactions).toHaveLength(2);
  // Each export was imported by the service's own inbox runs (one run may take both), and a scan followed.
  expect(res.imports.length).toBeGreaterThanOrEqual(1);
  expect(res.scans.length).toBeGreaterThanOrEqual(1);
  const files = await t.app.pool.query<{ file_name: string }>(
    `SELECT file_name FROM imports WHERE kind = 'contacts' AND state = 'done' ORDER BY file_name`,
  );
  expect(files.rows.map((r) => r.file_name)).toEqual(['contacts-0.tsv', 'contacts-01.tsv', 'contacts-02.tsv']);
  const { rows } = await t.app.pool.query<{ came_name: string }>(`SELECT came_name FROM key_person_changes ORDER BY id`);
  expect(rows.map((r) => r.came_name)).toEqual(['Новиков1 Сергей Петрович', 'Новиков2 Сергей Петрович']);
  const sent = await t.app.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM signals s JOIN notifications n ON n.id = s.notification_id
      WHERE s.kind = 'key_person_change' AND n.state = 'sent'`,
  );
  expect(sent.rows[0]?.n).toBe(2);
});
