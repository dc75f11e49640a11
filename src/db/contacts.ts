/** `contacts` and `key_person_changes` as the contacts import writes them. */

import { type Holder, type KeyPersonChange, keyPersonChanges } from '../domain/key-persons.js';
import type { ApplyContext, ApplyResult } from './apply.js';
import { syncAddressTasks } from './crm-address-tasks.js';
import type { PoolClient, Queryable } from './pool.js';

/** Active holders of ЛПР / ЛВПР / key user at the clients of the staged rows. */
async function holders(db: PoolClient): Promise<Holder[]> {
  const { rows } = await db.query<Holder>(
    `SELECT k.client_id AS "clientId", r.role, k.id AS "contactId", k.full_name AS name
       FROM contacts k
       CROSS JOIN LATERAL (VALUES ('lpr', k.is_lpr), ('lvpr', k.is_lvpr), ('key_user', k.is_key_user)) AS r(role, holds)
      WHERE r.holds AND k.active AND k.client_id IN (SELECT DISTINCT client_id FROM import_stage)`,
  );
  return rows;
}

async function insertKeyPersonChanges(db: PoolClient, changes: KeyPersonChange[], ctx: ApplyContext): Promise<void> {
  if (!changes.length) return;
  await db.query(
    `INSERT INTO key_person_changes (client_id, role, left_contact_id, left_name, came_contact_id, came_name, detected_at, import_id)
     SELECT "clientId", role, "leftContactId", "leftName", "cameContactId", "cameName", $2, $3
       FROM jsonb_to_recordset($1::jsonb) AS c("clientId" bigint, role text, "leftContactId" bigint, "leftName" text,
                                               "cameContactId" bigint, "cameName" text)`,
    [JSON.stringify(changes), ctx.now, ctx.importId],
  );
}

/**
 * The file is a snapshot of the contacts of the clients it lists: listed people are
 * inserted or updated (and active again), the other contacts of those clients become
 * inactive, and every ЛПР / ЛВПР / key user who left the role is recorded in
 * `key_person_changes`. A changed e-mail address starts again with an unknown status.
 */
export async function applyContacts(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  const has = (k: string) => ctx.present.has(k);
  // Columns whose flagged values this file replaces (the others keep theirs).
  const checked = [
    ['positionType', 'Тип должности'],
    ['phone', 'Телефон'],
    ['interests', 'Интересы'],
    ['frequency', 'Частота контакта, мес'],
  ]
    .filter(([k]) => has(k as string))
    .map(([, title]) => title as string);
  const before = await holders(db);
  const updated = await db.query(
    `UPDATE contacts k
        SET (position, position_type, is_lpr, is_lvpr, is_key_user, is_system_user, email, phone, consent,
             contact_frequency_months, contact_interval_days, problem_areas, active, email_status, suppressed_at, suppression_reason,
             email_problem, invalid_values, updated_at) =
            (n.position, n.position_type, n.is_lpr, n.is_lvpr, n.is_key_user, n.is_system_user, n.email, n.phone, n.consent,
             n.frequency, n.interval_days, n.problem_areas, true,
             CASE WHEN n.email_problem IS NOT NULL THEN 'invalid'
                  WHEN lower(k.email) IS DISTINCT FROM lower(n.email) OR k.email_status = 'invalid' THEN 'unknown'
                  ELSE k.email_status END,
             CASE WHEN lower(k.email) IS DISTINCT FROM lower(n.email) THEN NULL ELSE k.suppressed_at END,
             CASE WHEN lower(k.email) IS DISTINCT FROM lower(n.email) THEN NULL ELSE k.suppression_reason END,
             n.email_problem, n.invalid_values, $8)
       FROM (SELECT k0.id,
                    CASE WHEN $1 THEN s.position ELSE k0.position END AS position,
                    COALESCE(s.position_type, k0.position_type) AS position_type,
                    CASE WHEN $10 THEN s.is_lpr ELSE k0.is_lpr END AS is_lpr,
                    CASE WHEN $11 THEN s.is_lvpr ELSE k0.is_lvpr END AS is_lvpr,
                    CASE WHEN $12 THEN s.is_key_user ELSE k0.is_key_user END AS is_key_user,
                    CASE WHEN $2 THEN s.is_system_user ELSE k0.is_system_user END AS is_system_user,
                    CASE WHEN $3 THEN s.email ELSE k0.email END AS email,
                    CASE WHEN $3 THEN s.email_problem ELSE k0.email_problem END AS email_problem,
                    CASE WHEN $4 THEN s.phone ELSE k0.phone END AS phone,
                    CASE WHEN $5 THEN s.consent ELSE k0.consent END AS consent,
                    CASE WHEN $6 THEN s.frequency ELSE k0.contact_frequency_months END AS frequency,
                    CASE WHEN $6 THEN s.interval_days ELSE k0.contact_interval_days END AS interval_days,
                    CASE WHEN $7 THEN s.problem_areas ELSE k0.problem_areas END AS problem_areas,
                    (k0.invalid_values - $9::text[]) || s.invalid_values AS invalid_values
               FROM import_stage s JOIN contacts k0 ON k0.client_id = s.client_id AND k0.full_name = s.full_name) n
      WHERE k.id = n.id
        AND (k.position, k.position_type, k.is_lpr, k.is_lvpr, k.is_key_user, k.is_system_user, k.email, k.phone, k.consent,
             k.contact_frequency_months, k.contact_interval_days, k.problem_areas, k.active, k.email_problem, k.invalid_values, k.email_status = 'invalid')
            IS DISTINCT FROM
            (n.position, n.position_type, n.is_lpr, n.is_lvpr, n.is_key_user, n.is_system_user, n.email, n.phone, n.consent,
             n.frequency, n.interval_days, n.problem_areas, true, n.email_problem, n.invalid_values, n.email_problem IS NOT NULL)`,
    [
      has('position'),
      has('systemUser'),
      has('email'),
      has('phone'),
      has('consent'),
      has('frequency'),
      has('interests'),
      ctx.now,
      checked,
      has('lpr'),
      has('lvpr'),
      has('keyUser'),
    ],
  );
  const inserted = await db.query(
    `INSERT INTO contacts (client_id, full_name, position, position_type, is_lpr, is_lvpr, is_key_user, is_system_user, email, phone,
                           consent, contact_frequency_months, contact_interval_days, problem_areas, email_status, email_problem, invalid_values,
                           created_at, updated_at)
     SELECT s.client_id, s.full_name, s.position, s.position_type, s.is_lpr, s.is_lvpr, s.is_key_user, s.is_system_user, s.email,
            s.phone, s.consent, s.frequency, s.interval_days, s.problem_areas,
            CASE WHEN s.email_problem IS NOT NULL THEN 'invalid' ELSE 'unknown' END, s.email_problem, s.invalid_values, $1, $1
       FROM import_stage s
      WHERE NOT EXISTS (SELECT 1 FROM contacts k WHERE k.client_id = s.client_id AND k.full_name = s.full_name)`,
    [ctx.now],
  );
  const deactivated = await db.query(
    `UPDATE contacts k SET active = false, updated_at = $1
      WHERE k.active AND k.client_id IN (SELECT DISTINCT client_id FROM import_stage)
        AND NOT EXISTS (SELECT 1 FROM import_stage s WHERE s.client_id = k.client_id AND s.full_name = k.full_name)`,
    [ctx.now],
  );
  // «Пол» only when the file has the column; an absent column keeps what an earlier import knew.
  if (has('gender'))
    await db.query(
      `UPDATE contacts k SET gender = s.gender FROM import_stage s
        WHERE k.client_id = s.client_id AND k.full_name = s.full_name AND k.gender IS DISTINCT FROM s.gender`,
    );
  const changes = keyPersonChanges(before, await holders(db));
  await insertKeyPersonChanges(db, changes, ctx);
  const addressTasks = await syncAddressTasks(db, ctx);
  const ins = inserted.rowCount ?? 0;
  const upd = updated.rowCount ?? 0;
  return {
    inserted: ins,
    updated: upd,
    unchanged: ctx.staged - ins - upd,
    extra: { deactivated: deactivated.rowCount ?? 0, keyPersonChanges: changes.length, ...addressTasks },
  };
}

/** Per client and role: who holds it and whether any holder can be reached by e-mail. */
export interface RoleCoverage {
  client_id: number;
  role: 'lpr' | 'lvpr' | 'key_user';
  names: string[];
  /** Some holder has an address not bounced, invalid or suppressed. */
  usable_email: boolean;
  /** Some holder has a usable address, consent and no unsubscription. */
  reachable: boolean;
  consent: boolean;
}

export async function roleCoverage(db: Queryable, clientIds: number[]): Promise<RoleCoverage[]> {
  const { rows } = await db.query<RoleCoverage>(
    `WITH h AS (
       SELECT k.client_id, r.role, k.full_name,
              (k.email IS NOT NULL AND k.email_status NOT IN ('bounced', 'invalid') AND k.suppressed_at IS NULL) AS usable,
              (k.consent AND k.unsubscribed_at IS NULL) AS consent
         FROM contacts k
         CROSS JOIN LATERAL (VALUES ('lpr', k.is_lpr), ('lvpr', k.is_lvpr), ('key_user', k.is_key_user)) AS r(role, holds)
        WHERE r.holds AND k.active AND k.client_id = ANY($1::bigint[]))
     SELECT client_id, role, array_agg(full_name ORDER BY full_name) AS names, bool_or(usable) AS usable_email,
            bool_or(usable AND consent) AS reachable, bool_or(consent) AS consent
       FROM h GROUP BY client_id, role`,
    [clientIds],
  );
  return rows;
}

/** A contact whose address cannot be written to, with why (`report contacts --problems`). */
export interface AddressProblem {
  client_id: number;
  full_name: string;
  roles: string;
  email: string;
  reason: string;
  task_state: string | null;
}

export async function addressProblems(db: Queryable, clientIds: number[]): Promise<AddressProblem[]> {
  const { rows } = await db.query<AddressProblem>(
    `SELECT k.client_id, k.full_name, k.email,
            concat_ws(', ', CASE WHEN k.is_lpr THEN 'ЛПР' END, CASE WHEN k.is_lvpr THEN 'ЛВПР' END,
                      CASE WHEN k.is_key_user THEN 'Ключевой пользователь' END) AS roles,
            CASE WHEN k.email_status = 'invalid' THEN 'адрес с ошибкой: ' || coalesce(k.email_problem, 'не по правилам')
                 WHEN k.email_status = 'bounced' THEN 'письма не доставляются' || coalesce(' (' || k.suppression_reason || ')', '')
                 ELSE 'адрес заблокирован' || coalesce(' (' || k.suppression_reason || ')', '') END AS reason,
            (SELECT t.state FROM tasks t WHERE t.dedup_key = 'fix-crm-email.' || k.id) AS task_state
       FROM contacts k
      WHERE k.active AND k.email IS NOT NULL AND k.client_id = ANY($1::bigint[])
        AND (k.email_status IN ('invalid', 'bounced') OR k.suppressed_at IS NOT NULL)
      ORDER BY k.client_id, k.full_name`,
    [clientIds],
  );
  return rows;
}
