/**
 * What must hold at the end of every simulated day. The first broken one stops the run, named
 * with the day and what broke it; the steady-state check (open work must not grow four weeks
 * running while people work at capacity) is a warning with the numbers.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app.js';
import { IMPORT_KINDS } from '../imports/kind.js';

export interface Broken {
  invariant: string;
  detail: string;
}

/** The first broken invariant at `at`, or null. */
export async function checkInvariants(app: App, at: Date, inbox: string): Promise<Broken | null> {
  const db = app.pool;
  const twice = await db.query<{ to_email: string; period: string; n: number }>(
    `SELECT m.to_email, g.kind || ' ' || g.period AS period, count(*)::int AS n
       FROM messages m JOIN mailings g ON g.id = m.mailing_id
      WHERE m.state NOT IN ('cancelled', 'failed', 'bounced')
      GROUP BY m.to_email, g.kind, g.period HAVING count(*) > 1 LIMIT 1`,
  );
  const t = twice.rows[0];
  if (t) return { invariant: 'no e-mail to anyone twice in a period', detail: `${t.to_email}: ${t.n} messages of ${t.period}` };
  const dup = await db.query<{ dedup_key: string; n: number }>(
    `SELECT dedup_key, count(*)::int AS n FROM tasks WHERE state = 'open' GROUP BY dedup_key HAVING count(*) > 1 LIMIT 1`,
  );
  const d = dup.rows[0];
  if (d) return { invariant: 'no two open tasks with the same dedup key', detail: `${d.dedup_key}: ${d.n} open tasks` };
  // An overdue task shows in its assignee's diary: it has an active assignee, and the list
  // (at most diary.maxTasks, overdue first by due time) reaches it.
  // One pass over the open tasks (each one's place in its assignee's list), not a count per task.
  const hidden = await db.query<{ id: number; why: string }>(
    `SELECT t.id, CASE WHEN t.assignee_id IS NULL THEN 'no assignee' WHEN NOT e.active THEN 'assignee inactive'
                       ELSE 'beyond the diary''s list' END AS why
       FROM (SELECT id, assignee_id, due_at,
                    CASE WHEN assignee_id IS NULL THEN 0
                         ELSE row_number() OVER (PARTITION BY assignee_id ORDER BY due_at, priority, id) - 1 END AS place
               FROM tasks WHERE state = 'open') t
       LEFT JOIN employees e ON e.id = t.assignee_id
      WHERE t.due_at < $1 AND (t.assignee_id IS NULL OR NOT e.active OR t.place >= $2)
      ORDER BY t.id LIMIT 1`,
    [at, app.config.diary.maxTasks],
  );
  const h = hidden.rows[0];
  if (h) return { invariant: 'no task open past its deadline without being overdue in the diary', detail: `task ${h.id}: ${h.why}` };
  const running = await db.query<{ job: string; period: string }>(`SELECT job, period FROM job_runs WHERE state = 'running' LIMIT 1`);
  const r = running.rows[0];
  if (r) return { invariant: 'every job run ended', detail: `${r.job} ${r.period} is still running` };
  for (const kind of IMPORT_KINDS) {
    let names: string[];
    try {
      names = readdirSync(join(inbox, kind));
    } catch {
      continue;
    }
    const waiting = names.filter((n) => !n.startsWith('.') && statSync(join(inbox, kind, n)).isFile());
    if (waiting.length)
      return {
        invariant: 'every imported file accepted or refused with its reason',
        detail: `${kind}/${waiting[0]} is still in the inbox`,
      };
    let failed: string[] = [];
    try {
      failed = readdirSync(join(inbox, kind, 'failed'));
    } catch {}
    const unexplained = failed.filter((n) => !n.endsWith('.errors.txt') && !failed.includes(`${n}.errors.txt`));
    if (unexplained.length)
      return {
        invariant: 'every imported file accepted or refused with its reason',
        detail: `${kind}/failed/${unexplained[0]} has no reason`,
      };
  }
  return null;
}

/**
 * Steady state: the weeks (index of the last) where open work grew four weeks running while
 * people worked at capacity (overflow every one of those weeks).
 */
export function steadyStateWarning(weeks: readonly { week: string; openTotal: number; overflow: number }[]): string | null {
  for (let i = 4; i < weeks.length; i++) {
    const run = weeks.slice(i - 4, i + 1);
    const grew = run.every((w, k) => k === 0 || w.openTotal > (run[k - 1] as { openTotal: number }).openTotal);
    const atCapacity = run.slice(1).every((w) => w.overflow > 0);
    if (grew && atCapacity) {
      return `open work grew 4 weeks running while people worked at capacity: ${run.map((w) => `${w.week} ${w.openTotal}`).join(' → ')}`;
    }
  }
  return null;
}
