/** `db_outages`: PostgreSQL outages as each worker process that paused for one saw it (issue 25). */
import type { Queryable } from './pool.js';

export interface OutageRecord {
  startedAt: Date;
  endedAt: Date;
  heldOutcomes: number;
}

export async function recordOutage(db: Queryable, observedBy: string, o: OutageRecord): Promise<void> {
  await db.query(
    `INSERT INTO db_outages (observed_by, started_at, ended_at, held_outcomes) VALUES ($1, $2, $3, $4)
     ON CONFLICT (observed_by, started_at) DO NOTHING`,
    [observedBy, o.startedAt, o.endedAt, o.heldOutcomes],
  );
}

export interface LastOutage {
  started_at: Date;
  ended_at: Date;
  seconds: number;
  /** Worker processes that recorded it. */
  processes: number;
  held_outcomes: number;
  /** Runs interrupted by it, and of those retried since. */
  interrupted_runs: number;
  retried_runs: number;
}

/**
 * The last outage: the latest recorded one merged with every record overlapping it (several
 * processes see one outage, each from its first failed probe to its first answered one).
 */
export async function lastOutage(db: Queryable): Promise<LastOutage | null> {
  const { rows } = await db.query<LastOutage>(
    `WITH last AS (SELECT started_at, ended_at FROM db_outages ORDER BY ended_at DESC, id DESC LIMIT 1),
          o AS (SELECT d.* FROM db_outages d, last
                 WHERE d.started_at <= last.ended_at AND d.ended_at >= last.started_at - interval '1 minute'),
          span AS (SELECT min(started_at) AS started_at, max(ended_at) AS ended_at, count(*)::int AS processes,
                          coalesce(sum(held_outcomes), 0)::int AS held_outcomes FROM o)
     SELECT span.*, extract(epoch FROM span.ended_at - span.started_at)::float8 AS seconds,
            (SELECT count(*)::int FROM job_runs r
              WHERE r.interrupted_at BETWEEN span.started_at - interval '1 minute' AND span.ended_at) AS interrupted_runs,
            (SELECT count(*)::int FROM job_runs r
              WHERE r.interrupted_at BETWEEN span.started_at - interval '1 minute' AND span.ended_at
                AND r.retried_at >= r.interrupted_at) AS retried_runs
       FROM span WHERE span.started_at IS NOT NULL`,
  );
  return rows[0] ?? null;
}
