/** Shared setup of the mailing tests: the sample month loaded, decision makers in bulk, message states. */
import { join } from 'node:path';
import type { App } from '../../src/app.js';
import { now } from '../../src/clock.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { readContentDir } from '../../src/content/load.js';
import { saveContent } from '../../src/db/contents.js';
import { withTransaction } from '../../src/db/pool.js';
import { LPR_KIND } from '../../src/jobs/lpr-monthly.js';

export const SAMPLE_DIR = join(PROJECT_ROOT, 'content', '2024-06');

/** The sample month's content, loaded for `period` (the same content under another month for tests that need several). */
export async function loadSample(app: App, period = '2024-06'): Promise<void> {
  const c = readContentDir(SAMPLE_DIR);
  const loaded = { ...c, content: { ...c.content, period }, sha256: `${c.sha256}.${period}` };
  await withTransaction(app.pool, (db) => saveContent(db, LPR_KIND, loaded, now()));
}

/**
 * `n` served clients with one consenting ЛПР each (every third a system user with an area),
 * and a remote specialist; set-based, so 2 000 take milliseconds. Returns the contact ids.
 */
export async function addDecisionMakers(app: App, n: number, opts: { tag?: string; firstNumber?: number } = {}): Promise<number[]> {
  const tag = opts.tag ?? 'lpr';
  const first = opts.firstNumber ?? 500000;
  const { rows: emp } = await app.pool.query(
    `INSERT INTO employees (name, role, email, phone) VALUES ($1, 'remote', $2, '8-900-111-22-33')
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [`Савостина К.А. ${tag}`, `savostina.${tag}@ric502.example`],
  );
  const { rows } = await app.pool.query<{ id: number }>(
    `WITH c AS (
       INSERT INTO clients (number, name, ric, category, monthly_fee, state, remote_specialist_id)
       SELECT $2 + g, 'Клиент ' || $3 || ' ' || g, 'РИЦ502', 'B', 12000, 'served', $4 FROM generate_series(1, $1) g
       RETURNING id, number
     )
     INSERT INTO contacts (client_id, full_name, position, position_type, is_lpr, is_system_user, email, consent, problem_areas)
     SELECT c.id, 'Директоров Иван ' || (c.number - $2), 'Директор', 'manager', true, (c.number - $2) % 3 = 0,
            $3 || '.' || (c.number - $2) || '@client.example', true,
            CASE WHEN (c.number - $2) % 3 = 0 THEN ARRAY['tenders_courts'] ELSE '{}'::text[] END
       FROM c ORDER BY c.number
     RETURNING id`,
    [n, first, tag, emp[0].id],
  );
  return rows.map((r) => r.id);
}

export async function messageStates(app: App): Promise<Record<string, number>> {
  const { rows } = await app.pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM messages GROUP BY state');
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export async function messageOf(app: App, contactId: number) {
  const { rows } = await app.pool.query('SELECT * FROM messages WHERE contact_id = $1', [contactId]);
  return rows[0];
}
