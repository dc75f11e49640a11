/**
 * The facts behind the worsening signals, for every served client in one statement: recent
 * monthly payments, the last held contact with a key person, the last held calls, logins per
 * week, uses of the services, and key-person changes.
 */
import type { IsoDate } from '../domain/dates.js';
import type { Gender } from '../domain/gender.js';
import type { KeyRole, SignalFacts } from '../domain/signal-rules.js';
import type { Queryable } from './pool.js';
import { weeklyLoginsSql } from './risk-facts.js';

export interface SignalWindows {
  now: Date;
  /** Payments of months after this one (`YYYY-MM-01`, exclusive) up to `now`'s month. */
  paymentsFrom: IsoDate;
  paymentMonths: number;
  /** The last `calls` held phone calls. */
  calls: number;
  /** The Sunday ending the last complete week, and how many weeks back from it. */
  usageWeekEnd: IsoDate;
  usageWeeks: number;
  /** Services used in (from, today]. */
  servicesFrom: IsoDate;
  today: IsoDate;
  /** Key-person changes detected at or after this instant. */
  changesFrom: Date;
}

interface Row {
  id: number;
  state: string;
  state_changed_at: Date | null;
  connected_on: string | null;
  payments: { month: string; charged: number; debt: number }[] | null;
  key_people: number;
  last_key_contact: Date | null;
  calls: { at: string; with_login: boolean }[] | null;
  weeks: number[] | null;
  webinars: number;
  trainings: number;
  hotline: number;
  lk: number;
  changes:
    | {
        id: number;
        role: KeyRole;
        left_name: string | null;
        came_name: string | null;
        left_gender: Gender | null;
        came_gender: Gender | null;
        detected_at: string;
      }[]
    | null;
}

export async function loadSignalFacts(db: Queryable, w: SignalWindows): Promise<SignalFacts[]> {
  const { rows } = await db.query<Row>(
    `WITH c AS (
       SELECT id, state, state_changed_at, connected_on FROM served_clients
     ), pay AS (
       SELECT client_id, jsonb_agg(jsonb_build_object('month', month, 'charged', charged, 'debt', debt) ORDER BY month DESC) AS payments
         FROM (SELECT p.*, row_number() OVER (PARTITION BY client_id ORDER BY month DESC) AS rn
                 FROM payments p WHERE month > $2::date AND month <= $7::date) x
        WHERE rn <= $3
        GROUP BY client_id
     ), keyp AS (
       SELECT client_id, count(*)::int AS n FROM contacts WHERE active AND (is_lpr OR is_lvpr OR is_key_user) GROUP BY client_id
     ), usage AS (
       ${weeklyLoginsSql('$5', w.usageWeeks)}
     ), web AS (
       SELECT client_id, count(*)::int AS n FROM webinar_attendance WHERE attended_on > $6::date AND attended_on <= $7::date GROUP BY 1
     ), tr AS (
       SELECT client_id, count(*)::int AS n FROM trainings WHERE trained_on > $6::date AND trained_on <= $7::date GROUP BY 1
     ), hl AS (
       SELECT client_id, count(*)::int AS n FROM hotline_requests WHERE requested_on > $6::date AND requested_on <= $7::date GROUP BY 1
     ), lk AS (
       SELECT client_id, count(*)::int AS n FROM lk_requests WHERE requested_on > $6::date AND requested_on <= $7::date GROUP BY 1
     ), chg AS (
       SELECT kc.client_id, jsonb_agg(jsonb_build_object('id', kc.id, 'role', kc.role, 'left_name', kc.left_name, 'came_name', kc.came_name,
                                                         'left_gender', lk.gender, 'came_gender', ck.gender,
                                                         'detected_at', kc.detected_at) ORDER BY kc.detected_at, kc.id) AS changes
         FROM key_person_changes kc
         LEFT JOIN contacts lk ON lk.id = kc.left_contact_id
         LEFT JOIN contacts ck ON ck.id = kc.came_contact_id
        WHERE kc.detected_at >= $8 AND kc.detected_at <= $1 GROUP BY kc.client_id
     )
     SELECT c.id, c.state, c.state_changed_at, c.connected_on, pay.payments, coalesce(keyp.n, 0) AS key_people,
            keyc.last AS last_key_contact, calls.calls, usage.weeks, coalesce(web.n, 0) AS webinars, coalesce(tr.n, 0) AS trainings,
            coalesce(hl.n, 0) AS hotline, coalesce(lk.n, 0) AS lk, chg.changes
       FROM c
       LEFT JOIN pay ON pay.client_id = c.id
       LEFT JOIN keyp ON keyp.client_id = c.id
       -- The latest held contact with a key person, and the latest held calls: read per client
       -- backwards from the newest (contact_events_held_idx), so a year of history costs no more.
       LEFT JOIN LATERAL (
         SELECT e.occurred_at AS last
           FROM contact_events e
           LEFT JOIN contacts k1 ON k1.id = e.contact_id
           LEFT JOIN contacts k2 ON e.contact_id IS NULL AND k2.client_id = e.client_id AND lower(k2.full_name) = lower(e.contact_name)
          WHERE e.client_id = c.id AND e.outcome IN ('held', 'held_with_login') AND e.occurred_at <= $1
            AND (k1.is_lpr OR k1.is_lvpr OR k1.is_key_user OR k2.is_lpr OR k2.is_lvpr OR k2.is_key_user)
          ORDER BY e.occurred_at DESC
          LIMIT 1
       ) keyc ON true
       LEFT JOIN LATERAL (
         SELECT jsonb_agg(jsonb_build_object('at', x.occurred_at, 'with_login', x.outcome = 'held_with_login')
                          ORDER BY x.occurred_at DESC, x.id DESC) AS calls
           FROM (SELECT e.id, e.occurred_at, e.outcome FROM contact_events e
                  WHERE e.client_id = c.id AND e.outcome IN ('held', 'held_with_login') AND e.channel = 'phone'
                    AND e.occurred_at <= $1 AND e.occurred_at > $1 - interval '1 year'
                  ORDER BY e.occurred_at DESC, e.id DESC
                  LIMIT $4) x
       ) calls ON true
       LEFT JOIN usage ON usage.client_id = c.id
       LEFT JOIN web ON web.client_id = c.id
       LEFT JOIN tr ON tr.client_id = c.id
       LEFT JOIN hl ON hl.client_id = c.id
       LEFT JOIN lk ON lk.client_id = c.id
       LEFT JOIN chg ON chg.client_id = c.id
      ORDER BY c.id`,
    [w.now, w.paymentsFrom, w.paymentMonths, w.calls, w.usageWeekEnd, w.servicesFrom, w.today, w.changesFrom],
  );
  return rows.map((r) => ({
    clientId: r.id,
    state: r.state,
    stateChangedAt: r.state_changed_at,
    connectedOn: r.connected_on,
    payments: (r.payments ?? []).map((p) => ({ month: p.month, charged: Number(p.charged), debt: Number(p.debt) })),
    keyPeople: r.key_people,
    lastKeyContactAt: r.last_key_contact,
    heldCalls: (r.calls ?? []).map((c) => ({ at: new Date(c.at), withLogin: c.with_login })),
    weeklyLogins: r.weeks ?? Array.from({ length: w.usageWeeks }, () => 0),
    services: { webinars: r.webinars, trainings: r.trainings, hotline: r.hotline, lk: r.lk },
    keyPersonChanges: (r.changes ?? []).map((c) => ({
      id: c.id,
      role: c.role,
      leftName: c.left_name,
      cameName: c.came_name,
      leftGender: c.left_gender,
      cameGender: c.came_gender,
      detectedAt: new Date(c.detected_at),
    })),
  }));
}
