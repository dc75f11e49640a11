/** `online_usage` (входы в онлайн-версию) and the clients' «Активность» flag. */
import type { ApplyContext, ApplyResult } from './apply.js';
import { upsertCounts } from './apply.js';
import type { PoolClient, Queryable } from './pool.js';

/**
 * Upsert logins by (client, login, period start). A row of an older export whose period lies
 * inside a longer period of this one (a month-clipped `с 01.06 по 02.06` under a full week)
 * is replaced, so a week is never counted twice. The OLAP layout's activity column sets
 * `clients.online_active`.
 */
export async function applyOnlineUsage(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  // Probing every staged row costs as much as the upsert; first ask, period by period,
  // whether any stored period starts strictly inside a staged one (rarely: an older export).
  const { rowCount: nested } = await db.query(
    `WITH p AS (SELECT DISTINCT period_start, period_end FROM import_stage WHERE period_end > period_start)
     SELECT 1 FROM p JOIN online_usage o ON o.period_start > p.period_start AND o.period_start <= p.period_end
      WHERE NOT EXISTS (SELECT 1 FROM p p2 WHERE p2.period_start = o.period_start) LIMIT 1`,
  );
  const replaced = nested
    ? await db.query(
        `DELETE FROM online_usage o USING import_stage s
          WHERE o.client_id = s.client_id AND o.login = s.login
            AND o.period_start > s.period_start AND o.period_start <= s.period_end AND o.period_end <= s.period_end`,
      )
    : { rowCount: 0 };
  const result = await upsertCounts(
    db,
    `INSERT INTO online_usage AS o (client_id, login, period_start, period_end, logins, import_id)
     SELECT client_id, login, period_start, period_end, logins, $1 FROM import_stage
     ON CONFLICT (client_id, login, period_start) DO UPDATE SET period_end = EXCLUDED.period_end, logins = EXCLUDED.logins,
            import_id = EXCLUDED.import_id
      WHERE (o.period_end, o.logins) IS DISTINCT FROM (EXCLUDED.period_end, EXCLUDED.logins)`,
    [ctx.importId],
    ctx.staged,
  );
  let activity = 0;
  if (ctx.present.has('activity')) {
    const r = await db.query(
      `UPDATE clients c SET online_active = a.active, updated_at = $1
         FROM (SELECT DISTINCT client_id, active FROM import_stage) a
        WHERE c.id = a.client_id AND c.online_active IS DISTINCT FROM a.active`,
      [ctx.now],
    );
    activity = r.rowCount ?? 0;
  }
  return { ...result, extra: { replaced: replaced.rowCount ?? 0, activityChanged: activity } };
}

/**
 * Logins per client and week (its Monday) of the periods meeting [from, to], for the usage
 * report; a period reaching back before `from` counts in the first week.
 */
export interface WeeklyLogins {
  client_id: number;
  week_start: string;
  logins: number;
}

export async function weeklyLogins(db: Queryable, from: string, to: string, clientIds: number[]): Promise<WeeklyLogins[]> {
  const { rows } = await db.query<WeeklyLogins>(
    `SELECT client_id, date_trunc('week', greatest(period_start, $1::date))::date AS week_start, sum(logins)::int AS logins
       FROM online_usage
      WHERE period_start <= $2::date AND period_end >= $1::date AND client_id = ANY($3::bigint[])
      GROUP BY 1, 2`,
    [from, to, clientIds],
  );
  return rows;
}
