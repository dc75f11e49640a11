/**
 * The counts behind the weekly risk indicator, for every served client in one statement:
 * system users and those trained within the validity, cabinet requests, held contacts with an
 * ЛПР, webinars attended, logins per week, and last week's indicator. Every window ends on the
 * last day of the scored week (`weekEnd`), so a past week gives the same counts again.
 */
import type { RiskFacts } from '../domain/client-risk.js';
import type { IsoDate } from '../domain/dates.js';
import type { Zone } from '../domain/risk-model.js';
import type { Queryable } from './pool.js';

export interface RiskWindows {
  weekEnd: IsoDate;
  /** Exclusive starts of the date windows (`(from, weekEnd]`). */
  trainingFrom: IsoDate;
  lkFrom: IsoDate;
  webinarsFrom: IsoDate;
  /** The ЛПР-contact window as instants: [from, to) in the RIC's time zone. */
  lprFrom: Date;
  lprTo: Date;
  /** How many weeks of logins to load, ending with the scored week. */
  loginWeeks: number;
  previousWeek: string;
  /** Only these clients (explain, tests); null → all served clients. */
  clientIds?: number[] | null;
}

interface Row {
  id: number;
  category: 'A' | 'B' | 'C';
  connected_on: string | null;
  primary_advance_until: string | null;
  flags: string[];
  system_users: number;
  trained_users: number;
  unknown_users: number;
  lk: number;
  lpr: number;
  has_lpr: boolean;
  webinars: number;
  weeks: number[] | null;
  prev_zone: Zone | null;
  prev_indicator: number | null;
  prev_crm: number | null;
}

/**
 * Logins per client and week back from the week ending on the date parameter `endParam`, in one
 * pass, as an int array (index 0 = that week): `SELECT client_id, weeks …`. `weeks` comes from
 * config and is checked to be a whole number, so inlining it is safe.
 */
export function weeklyLoginsSql(endParam: string, weeks: number): string {
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 520) throw new Error(`weeks: ${weeks} is not a number of weeks in 1..520`);
  const sums = Array.from({ length: weeks }, (_, i) => `coalesce(sum(logins) FILTER (WHERE b = ${i}), 0)`).join(', ');
  return `SELECT client_id, ARRAY[${sums}]::int[] AS weeks
         FROM (SELECT client_id, (${endParam}::date - period_start) / 7 AS b, logins
                 FROM online_usage
                WHERE period_start > ${endParam}::date - ${7 * weeks} AND period_start <= ${endParam}::date) x
        GROUP BY client_id`;
}

export async function loadRiskFacts(db: Queryable, w: RiskWindows): Promise<RiskFacts[]> {
  const { rows } = await db.query<Row>(
    `WITH c AS (
       SELECT id, category, connected_on, primary_advance_until, flags FROM served_clients
        WHERE $8::bigint[] IS NULL OR id = ANY($8)
     ), trained AS (
       -- A training names the person by contact id, or by name only.
       SELECT t.contact_id AS id FROM trainings t
        WHERE t.contact_id IS NOT NULL AND t.trained_on > $2::date AND t.trained_on <= $1::date
       UNION
       SELECT k.id FROM trainings t
         JOIN contacts k ON k.client_id = t.client_id AND lower(k.full_name) = lower(t.person_name)
        WHERE t.contact_id IS NULL AND t.trained_on > $2::date AND t.trained_on <= $1::date
     ), people AS (
       SELECT k.client_id, (count(*) FILTER (WHERE k.is_system_user))::int AS system_users,
              (count(tr.id) FILTER (WHERE k.is_system_user))::int AS trained_users, bool_or(k.is_lpr) AS has_lpr,
              -- An export without «Пользователь системы» leaves it unknown: training is н/д.
              (count(*) FILTER (WHERE k.is_system_user IS NULL))::int AS unknown_users
         FROM contacts k LEFT JOIN trained tr ON tr.id = k.id
        WHERE k.active AND (k.is_system_user IS NOT FALSE OR k.is_lpr)
        GROUP BY k.client_id
     ), lk AS (
       SELECT client_id, count(*)::int AS n FROM lk_requests
        WHERE requested_on > $3::date AND requested_on <= $1::date GROUP BY client_id
     ), lpr AS (
       -- Events name the contact by id, or (older exports) by name only.
       SELECT client_id, count(*)::int AS n
         FROM (SELECT e.client_id FROM contact_events e JOIN contacts k ON k.id = e.contact_id AND k.is_lpr
                WHERE e.outcome IN ('held', 'held_with_login') AND e.occurred_at >= $5 AND e.occurred_at < $6
               UNION ALL
               SELECT e.client_id FROM contact_events e
                 JOIN contacts k ON k.client_id = e.client_id AND lower(k.full_name) = lower(e.contact_name) AND k.is_lpr
                WHERE e.contact_id IS NULL AND e.outcome IN ('held', 'held_with_login') AND e.occurred_at >= $5 AND e.occurred_at < $6) x
        GROUP BY client_id
     ), web AS (
       SELECT client_id, count(DISTINCT (attended_on, coalesce(webinar, '')))::int AS n FROM webinar_attendance
        WHERE attended_on > $4::date AND attended_on <= $1::date GROUP BY client_id
     ), usage AS (
       ${weeklyLoginsSql('$1', w.loginWeeks)}
     ), prev AS (
       -- The week before, per series: churnguard's own value (never the acting one, which may be
       -- the CRM's) and the CRM's as imported, so each change compares within one series.
       SELECT coalesce(p.client_id, d.client_id) AS client_id, p.computed_zone AS zone, p.computed_indicator AS indicator,
              d.indicator AS crm_indicator
         FROM (SELECT client_id, computed_zone, computed_indicator FROM risk_scores WHERE week = $7) p
         FULL JOIN (SELECT client_id, indicator FROM crm_deviations WHERE week = $7) d ON d.client_id = p.client_id
     )
     SELECT c.id, c.category, c.connected_on, c.primary_advance_until, c.flags,
            coalesce(u.system_users, 0) AS system_users, coalesce(u.trained_users, 0) AS trained_users,
            coalesce(u.unknown_users, 0) AS unknown_users,
            coalesce(lk.n, 0) AS lk, coalesce(lpr.n, 0) AS lpr, coalesce(u.has_lpr, false) AS has_lpr,
            coalesce(web.n, 0) AS webinars, usage.weeks, prev.zone AS prev_zone, prev.indicator AS prev_indicator,
            prev.crm_indicator AS prev_crm
       FROM c
       LEFT JOIN people u ON u.client_id = c.id
       LEFT JOIN lk ON lk.client_id = c.id
       LEFT JOIN lpr ON lpr.client_id = c.id
       LEFT JOIN web ON web.client_id = c.id
       LEFT JOIN usage ON usage.client_id = c.id
       LEFT JOIN prev ON prev.client_id = c.id`,
    [w.weekEnd, w.trainingFrom, w.lkFrom, w.webinarsFrom, w.lprFrom, w.lprTo, w.previousWeek, w.clientIds ?? null],
  );
  return rows.map((r) => {
    const weekly = r.weeks ?? Array.from({ length: w.loginWeeks }, () => 0);
    return {
      clientId: r.id,
      category: r.category,
      systemUsers: r.system_users,
      trainedUsers: r.trained_users,
      unknownUsers: r.unknown_users,
      lkRequests: r.lk,
      lprContacts: r.lpr,
      hasLpr: r.has_lpr,
      webinars: r.webinars,
      weeklyLogins: weekly,
      connectedOn: r.connected_on,
      primaryAdvanceUntil: r.primary_advance_until,
      flags: r.flags,
      previousZone: r.prev_zone,
      previousIndicator: r.prev_indicator,
      previousCrmIndicator: r.prev_crm,
    };
  });
}
