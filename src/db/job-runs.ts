/** `job_runs`: one row per periodic job and period; the UNIQUE(job, period) row is the claim. */
import type { Queryable } from './pool.js';

export type RunState = 'running' | 'completed' | 'failed';

export interface JobRun {
  id: number;
  job: string;
  period: string;
  trigger: string;
  state: RunState;
  attempts: number;
  queue_job_id: string | null;
  owner: string | null;
  started_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
  stats: Record<string, unknown>;
  error: string | null;
  /** When PostgreSQL went away under the run last (it is then retried by itself), how often, and when it was retried. */
  interrupted_at: Date | null;
  interruptions: number;
  retried_at: Date | null;
}

export type Claim = { kind: 'claimed'; run: JobRun } | { kind: 'completed'; run: JobRun } | { kind: 'busy'; run: JobRun };

export interface ClaimInput {
  job: string;
  period: string;
  trigger: string;
  queueJobId: string | null;
  owner: string;
  now: Date;
  leaseMs: number;
  force: boolean;
}

/**
 * Claim a period. Succeeds for a new period, a failed run, a running run of the same queue
 * job (re-delivered after its worker died) or one whose heartbeat lapsed, and — with
 * `force` — a completed one. Otherwise says why not.
 */
export async function claimRun(db: Queryable, c: ClaimInput): Promise<Claim> {
  const { rows } = await db.query<JobRun>(
    `INSERT INTO job_runs (job, period, trigger, state, queue_job_id, owner, started_at, heartbeat_at)
     VALUES ($1, $2, $3, 'running', $4, $5, $6, $6)
     ON CONFLICT (job, period) DO UPDATE SET
       state = 'running', trigger = EXCLUDED.trigger, queue_job_id = EXCLUDED.queue_job_id,
       owner = EXCLUDED.owner, attempts = job_runs.attempts + 1, started_at = EXCLUDED.started_at,
       heartbeat_at = EXCLUDED.heartbeat_at, finished_at = NULL, error = NULL,
       retried_at = CASE WHEN job_runs.interrupted_at IS NOT NULL AND job_runs.state <> 'completed'
                          AND job_runs.interrupted_at >= coalesce(job_runs.retried_at, '-infinity')
                         THEN EXCLUDED.started_at ELSE job_runs.retried_at END
     WHERE job_runs.state = 'failed'
        OR (job_runs.state = 'running' AND (job_runs.queue_job_id = EXCLUDED.queue_job_id
                                            OR job_runs.heartbeat_at < $6::timestamptz - make_interval(secs => $7::float8 / 1000)))
        OR ($8 AND job_runs.state = 'completed')
     RETURNING *`,
    [c.job, c.period, c.trigger, c.queueJobId, c.owner, c.now, c.leaseMs, c.force],
  );
  if (rows[0]) return { kind: 'claimed', run: rows[0] };
  const existing = await getRun(db, c.job, c.period);
  if (!existing) throw new Error(`job_runs row for ${c.job} ${c.period} vanished during the claim`);
  return existing.state === 'completed' ? { kind: 'completed', run: existing } : { kind: 'busy', run: existing };
}

export async function getRun(db: Queryable, job: string, period: string): Promise<JobRun | null> {
  const { rows } = await db.query<JobRun>('SELECT * FROM job_runs WHERE job = $1 AND period = $2', [job, period]);
  return rows[0] ?? null;
}

/** Returns false when the run was taken over by another owner meanwhile. */
export async function heartbeatRun(db: Queryable, id: number, owner: string, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE job_runs SET heartbeat_at = $3 WHERE id = $1 AND owner = $2 AND state = 'running'`, [
    id,
    owner,
    now,
  ]);
  return rowCount === 1;
}

export async function completeRun(db: Queryable, id: number, owner: string, now: Date, stats: Record<string, unknown>): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE job_runs SET state = 'completed', finished_at = $3, heartbeat_at = $3, stats = $4 WHERE id = $1 AND owner = $2 AND state = 'running'`,
    [id, owner, now, JSON.stringify(stats)],
  );
  return rowCount === 1;
}

export async function failRun(db: Queryable, id: number, owner: string, now: Date, error: string): Promise<void> {
  await db.query(`UPDATE job_runs SET state = 'failed', finished_at = $3, error = $4 WHERE id = $1 AND owner = $2 AND state = 'running'`, [
    id,
    owner,
    now,
    error.slice(0, 4000),
  ]);
}

/**
 * A run cut off by a PostgreSQL outage (`at`: when it went away), recorded when it answers
 * again: failed, so its queue job's next attempt claims it again.
 */
export async function interruptRun(db: Queryable, id: number, owner: string, now: Date, at: Date, error: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE job_runs SET state = 'failed', finished_at = $3, error = $5, interrupted_at = $4, interruptions = interruptions + 1
      WHERE id = $1 AND owner = $2 AND state = 'running'`,
    [id, owner, now, at, error.slice(0, 4000)],
  );
  return rowCount === 1;
}

export async function listRuns(db: Queryable, opts: { job?: string; limit: number }): Promise<JobRun[]> {
  const { rows } = await db.query<JobRun>(
    `SELECT * FROM job_runs WHERE ($1::text IS NULL OR job = $1) ORDER BY started_at DESC, id DESC LIMIT $2`,
    [opts.job ?? null, opts.limit],
  );
  return rows;
}

/** The latest run of each job. */
export async function lastRuns(db: Queryable): Promise<JobRun[]> {
  const { rows } = await db.query<JobRun>(`SELECT DISTINCT ON (job) * FROM job_runs ORDER BY job, started_at DESC, id DESC`);
  return rows;
}

export interface RunTotals {
  job: string;
  state: RunState;
  count: number;
  duration_sum: number;
}

export async function runTotals(db: Queryable): Promise<RunTotals[]> {
  const { rows } = await db.query<RunTotals>(
    `SELECT job, state, count(*)::int AS count,
            coalesce(sum(extract(epoch FROM finished_at - started_at)), 0)::float8 AS duration_sum
       FROM job_runs GROUP BY job, state ORDER BY job, state`,
  );
  return rows;
}
