/**
 * What the client's card (`/diary/clients/<number>`) reads beyond the card of client-cards.ts and
 * the indicator series of risk-scores.ts: the contact persons with their e-mail state, last
 * contact and clicks, the open work, the last change of state, and one timeline merging every
 * kind of event about the client, newest first, a page at a time.
 *
 * A call recorded here and echoed back by the CRM is one `contact_events` row (the import links
 * the echo to it), so it is one item; a task closed with a contact shows as that contact, not
 * a second time as a closed task.
 */
import type { Queryable } from './pool.js';
import { clientInScopeSql, type Scope } from './scope.js';

export interface ClientMatch {
  number: number;
  name: string;
  state: string;
}

/**
 * The diary's search: the scope's clients whose number starts with the text's digits or whose
 * name contains the text (any case), the exact number first, then by name; at most `limit`.
 */
export async function searchClients(db: Queryable, scope: Scope, text: string, limit: number): Promise<ClientMatch[]> {
  const q = text.trim();
  if (!q) return [];
  const params: unknown[] = [q, /^\d{1,8}$/.test(q) ? q : null, Math.max(1, Math.floor(limit))];
  const { rows } = await db.query<ClientMatch>(
    `SELECT c.number, c.name, c.state FROM public.clients c
      WHERE (strpos(lower(c.name), lower($1)) > 0 OR ($2::text IS NOT NULL AND c.number::text LIKE $2 || '%'))
        AND ${clientInScopeSql(scope, 'c', params)}
      ORDER BY (c.number::text = $2) DESC NULLS LAST, c.name, c.number
      LIMIT $3`,
    params,
  );
  return rows;
}

/** A contact person of the client as the card lists them. */
export interface CardContact {
  id: number;
  full_name: string;
  position: string | null;
  is_lpr: boolean;
  is_lvpr: boolean;
  is_key_user: boolean;
  email: string | null;
  phone: string | null;
  email_status: string;
  email_problem: string | null;
  suppression_reason: string | null;
  consent: boolean;
  unsubscribed_at: Date | null;
  disengaged_at: Date | null;
  contact_frequency_months: number | null;
  contact_interval_days: number | null;
  /** The last held contact with the person. */
  last_contact: Date | null;
  /** Links the person clicked (people's clicks, newest first, at most 5). */
  clicked: { title: string; at: string }[];
}

const CONTACTS_SHOWN = 50;

/** The active contact persons, decision makers first. */
export async function cardContacts(db: Queryable, clientId: number): Promise<CardContact[]> {
  const { rows } = await db.query<CardContact>({
    name: 'client-card-contacts',
    text: `SELECT k.id, k.full_name, k.position, k.is_lpr, k.is_lvpr, k.is_key_user, k.email, k.phone, k.email_status, k.email_problem,
            k.suppression_reason, k.consent, k.unsubscribed_at, k.disengaged_at, k.contact_frequency_months, k.contact_interval_days,
            (SELECT max(coalesce(e.occurred_at, e.planned_at)) FROM contact_events e
              WHERE e.client_id = k.client_id AND e.contact_id = k.id AND e.outcome IN ('held', 'held_with_login')) AS last_contact,
            coalesce((SELECT json_agg(json_build_object('title', x.title, 'at', x.at) ORDER BY x.at DESC) FROM (
                SELECT coalesce(l.title, l.url) AS title, max(c.clicked_at) AS at
                  FROM messages m JOIN clicks c ON c.message_id = m.id JOIN links l ON l.id = c.link_id
                 WHERE m.contact_id = k.id AND c.is_bot = false
                 GROUP BY 1 ORDER BY 2 DESC LIMIT 5) x), '[]') AS clicked
       FROM contacts k
      WHERE k.client_id = $1 AND k.active
      ORDER BY k.is_lpr DESC, k.is_lvpr DESC, k.is_key_user DESC, k.full_name
      LIMIT ${CONTACTS_SHOWN}`,
    values: [clientId],
  });
  return rows;
}

/** An open task of the client (the open work). */
export interface OpenTask {
  id: number;
  kind: string;
  title: string;
  due_at: Date | null;
  assignee_id: number | null;
  assignee_name: string | null;
  assignee_department_id: number | null;
}

export async function openClientTasks(db: Queryable, clientId: number): Promise<OpenTask[]> {
  const { rows } = await db.query<OpenTask>(
    `SELECT t.id, t.kind, t.title, t.due_at, t.assignee_id, e.name AS assignee_name, e.department_id AS assignee_department_id
       FROM tasks t LEFT JOIN employees e ON e.id = t.assignee_id
      WHERE t.client_id = $1 AND t.state = 'open'
      ORDER BY t.due_at NULLS LAST, t.priority, t.id`,
    [clientId],
  );
  return rows;
}

/** An open visit («Контакт с клиентом») of the client, from the planner (issue 20's `visits`). */
export interface OpenVisit {
  id: number;
  assignee_id: number;
  assignee_name: string | null;
  planned_on: string | null;
  due_on: string | null;
  overflow_reason: string | null;
  task_ids: number[];
}

export async function openClientVisits(db: Queryable, clientId: number): Promise<OpenVisit[]> {
  const { rows } = await db.query<OpenVisit>(
    `SELECT v.id, v.assignee_id, e.name AS assignee_name, to_char(v.planned_on, 'YYYY-MM-DD') AS planned_on,
            to_char(v.due_on, 'YYYY-MM-DD') AS due_on, v.overflow_reason,
            ARRAY(SELECT t.id FROM tasks t WHERE t.visit_id = v.id AND t.state = 'open' ORDER BY t.id) AS task_ids
       FROM visits v LEFT JOIN employees e ON e.id = v.assignee_id
      WHERE v.client_id = $1 AND v.state = 'open'
      ORDER BY v.planned_on NULLS LAST, v.id`,
    [clientId],
  );
  // bigint[] comes back as strings (only scalar int8 has a parser).
  return rows.map((r) => ({ ...r, task_ids: r.task_ids.map(Number) }));
}

/** The day of the client's last change of state, when one was recorded. */
export async function lastStateChange(db: Queryable, clientId: number): Promise<{ changed_on: string; from_state: string | null } | null> {
  const { rows } = await db.query<{ changed_on: string; from_state: string | null }>(
    `SELECT to_char(changed_on, 'YYYY-MM-DD') AS changed_on, from_state FROM client_state_changes
      WHERE client_id = $1 ORDER BY changed_on DESC, id DESC LIMIT 1`,
    [clientId],
  );
  return rows[0] ?? null;
}

/** The kinds of the timeline, in the order of the filter. */
export const TIMELINE_KINDS = ['contact', 'email', 'training', 'webinar', 'lk', 'hotline', 'signal', 'finding', 'state', 'task'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/**
 * One event of the timeline, in columns every kind shares; the page words each kind.
 * `sub` tells the task's items apart: `opened`, `closed`, `comment`.
 */
export interface TimelineRow {
  at: Date;
  /** The event has a day, not a time (trainings, requests, state changes). */
  day: boolean;
  kind: TimelineKind;
  sub: string | null;
  ref: number;
  /** A kind's code: channel, signal kind, task kind, competitor, new state … */
  code: string | null;
  /** A state or outcome: of the contact, the e-mail, the previous state, the closed task. */
  state: string | null;
  /** The client's person it is about. */
  person: string | null;
  /** The employee (who called, acknowledged, found, closed, wrote). */
  who: string | null;
  detail: string | null;
  /** A second time: acknowledged, alert accepted. */
  at2: Date | null;
  task_id: number | null;
}

const day = (col: string) => `(${col}::timestamp AT TIME ZONE $5)`;

/** Each branch takes its newest `$3` rows by itself, so a page reads no more than it needs. */
const BRANCHES: Record<TimelineKind, string> = {
  contact: `SELECT coalesce(e.occurred_at, e.planned_at, e.created_at) AS at, false AS day, 'contact' AS kind, NULL AS sub, e.id AS ref,
                   e.channel AS code, e.outcome AS state, coalesce(k.full_name, e.contact_name) AS person, w.name AS who,
                   nullif(concat_ws(' · ', nullif(e.goal, ''), nullif(e.result, ''), nullif(e.note, '')), '') AS detail,
                   NULL::timestamptz AS at2, e.task_id
              FROM contact_events e LEFT JOIN contacts k ON k.id = e.contact_id LEFT JOIN employees w ON w.id = e.employee_id
             WHERE e.client_id = $1`,
  email: `SELECT coalesce(m.sent_at, m.queued_at) AS at, false, 'email', NULL, m.id, g.subject, m.state, k.full_name, m.to_email,
                 (SELECT string_agg(DISTINCT coalesce(l.title, l.url), '; ') FROM clicks c JOIN links l ON l.id = c.link_id
                   WHERE c.message_id = m.id AND c.is_bot = false),
                 m.bounced_at, NULL::bigint
            FROM messages m JOIN mailings g ON g.id = m.mailing_id LEFT JOIN contacts k ON k.id = m.contact_id
           WHERE m.client_id = $1`,
  training: `SELECT ${day('trained_on')}, true, 'training', NULL, id, NULL, NULL, person_name, NULL, topic, NULL::timestamptz, NULL::bigint
               FROM trainings WHERE client_id = $1`,
  webinar: `SELECT ${day('attended_on')}, true, 'webinar', NULL, id, NULL, NULL, person_name, NULL, webinar, NULL::timestamptz, NULL::bigint
              FROM webinar_attendance WHERE client_id = $1`,
  lk: `SELECT ${day('requested_on')}, true, 'lk', NULL, id, NULL, NULL, NULL, NULL, request_type, NULL::timestamptz, NULL::bigint
         FROM lk_requests WHERE client_id = $1`,
  hotline: `SELECT ${day('requested_on')}, true, 'hotline', NULL, id, kind, NULL, NULL, NULL, NULL, NULL::timestamptz, NULL::bigint
              FROM hotline_requests WHERE client_id = $1`,
  signal: `SELECT s.detected_at, false, 'signal', NULL, s.id, s.kind, NULL, NULL, coalesce(a.name, s.acknowledged_by), s.summary,
                  s.acknowledged_at, s.task_id
             FROM signals s LEFT JOIN employees a ON a.id = s.acknowledged_employee_id
            WHERE s.client_id = $1 AND NOT s.baseline`,
  finding: `SELECT f.found_at, false, 'finding', NULL, f.id, f.competitor, to_char(f.valid_until, 'MM.YYYY'), f.contact_name, w.name, f.note,
                   f.field_notified_at, f.diagnostics_task_id
              FROM competitor_findings f LEFT JOIN employees w ON w.id = f.found_by
             WHERE f.client_id = $1`,
  state: `SELECT ${day('changed_on')}, true, 'state', NULL, id, to_state, from_state, NULL, NULL, NULL, NULL::timestamptz, NULL::bigint
            FROM client_state_changes WHERE client_id = $1`,
  task: `SELECT x.* FROM (
           SELECT t.created_at, false, 'task', 'opened', t.id, t.kind, NULL, NULL, a.name, t.title, t.due_at, t.id
             FROM tasks t LEFT JOIN employees a ON a.id = t.assignee_id WHERE t.client_id = $1
           UNION ALL
           SELECT t.closed_at, false, 'task', 'closed', t.id, t.kind, t.outcome, NULL, coalesce(c.name, a.name), t.note, NULL, t.id
             FROM tasks t LEFT JOIN employees a ON a.id = t.assignee_id LEFT JOIN employees c ON c.id = t.closed_by
            WHERE t.client_id = $1 AND t.state <> 'open' AND t.closed_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM contact_events e WHERE e.task_id = t.id)
           UNION ALL
           SELECT m.created_at, false, 'task', 'comment', m.id, t.kind, NULL, NULL, m.author_name, m.body, NULL, t.id
             FROM task_comments m JOIN tasks t ON t.id = m.task_id WHERE t.client_id = $1
         ) x`,
};

/**
 * A page of the client's timeline, newest first: the items `offset` … `offset + limit` of the
 * kinds asked for, and whether more follow.
 */
export async function clientTimeline(
  db: Queryable,
  q: { clientId: number; kinds: readonly TimelineKind[]; offset: number; limit: number; tz: string },
): Promise<{ rows: TimelineRow[]; more: boolean }> {
  const kinds = TIMELINE_KINDS.filter((k) => q.kinds.includes(k));
  if (!kinds.length) return { rows: [], more: false };
  const upto = q.offset + q.limit + 1;
  const sql = kinds
    .map((k) => `(SELECT * FROM (${BRANCHES[k]}) b${kinds.indexOf(k)} ORDER BY 1 DESC NULLS LAST LIMIT $2)`)
    .join('\nUNION ALL\n');
  // A named statement per set of kinds: each connection plans the long union once, not on
  // every page (planning it costs more than running it for one client).
  const { rows } = await db.query<TimelineRow>({
    name: `client-timeline-${kinds.reduce((m, k) => m | (1 << TIMELINE_KINDS.indexOf(k)), 0)}`,
    text: `SELECT * FROM (SELECT NULL::timestamptz AS at, NULL::boolean AS day, NULL::text AS kind, NULL::text AS sub, NULL::bigint AS ref,
                           NULL::text AS code, NULL::text AS state, NULL::text AS person, NULL::text AS who, NULL::text AS detail,
                           NULL::timestamptz AS at2, NULL::bigint AS task_id WHERE $5::text IS NULL AND false
                    UNION ALL ${sql}) t
      WHERE at IS NOT NULL
      ORDER BY at DESC, kind, ref DESC
      OFFSET $3 LIMIT $4`,
    values: [q.clientId, upto, q.offset, q.limit + 1, q.tz],
  });
  return { rows: rows.slice(0, q.limit), more: rows.length > q.limit };
}
