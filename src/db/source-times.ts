/** When each CRM export kind was last loaded (`imports`), for the staleness of components and rules, and what it covers. */
import { COVERED_SOURCES, type Span } from '../domain/coverage.js';
import type { SourceKind, SourceTimes } from '../domain/sources.js';
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

/**
 * The spans each event source's imports cover (src/domain/coverage.ts): a declared period as
 * given; otherwise the rows' earliest date to the later of their latest date and the day of the
 * import in the RIC's zone. A later import counts for an earlier week too: it carries that history.
 */
export async function loadSourceCoverage(db: Queryable, tz: string): Promise<Partial<Record<SourceKind, Span[]>>> {
  const { rows } = await db.query<{ kind: SourceKind; from: string; to: string }>(
    `SELECT kind, covers_from::text AS from,
            (CASE WHEN covers_declared THEN covers_to
                  ELSE greatest(covers_to, (finished_at AT TIME ZONE $1)::date) END)::text AS to
       FROM imports
      WHERE state = 'done' AND covers_from IS NOT NULL AND kind = ANY($2)
      ORDER BY kind, covers_from`,
    [tz, COVERED_SOURCES],
  );
  const out: Partial<Record<SourceKind, Span[]>> = {};
  for (const r of rows) out[r.kind] = [...(out[r.kind] ?? []), { from: r.from, to: r.to }];
  return out;
}
