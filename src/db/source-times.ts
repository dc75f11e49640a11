/** When each CRM export kind was last loaded (`imports`), for the staleness of components and rules. */
import type { SourceTimes } from '../domain/sources.js';
import type { Queryable } from './pool.js';

/**
 * The latest successful import per kind. `contact-events` also counts contacts recorded in
 * churnguard itself (task outcomes: `contact_events` rows without an import, at the time the
 * contact took place): a desk that records its calls here keeps that source live without a
 * CRM export.
 */
export async function loadSourceTimes(db: Queryable): Promise<SourceTimes> {
  const { rows } = await db.query<{ kind: string; last: Date | null }>(
    `SELECT kind, max(finished_at) AS last FROM imports WHERE state = 'done' GROUP BY kind
     UNION ALL
     SELECT 'contact-events', max(occurred_at) FROM contact_events WHERE import_id IS NULL AND outcome <> 'planned'`,
  );
  const out: Record<string, Date | null> = {};
  for (const r of rows) {
    const prev = out[r.kind] ?? null;
    out[r.kind] = r.last && (!prev || r.last > prev) ? r.last : prev;
  }
  return out;
}
