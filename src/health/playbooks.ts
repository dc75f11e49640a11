/**
 * Applying the playbooks after a week's scoring, with risk-review's rules: one task per client
 * and playbook (kind `playbook`, `payload.playbook` names it) — no second while one is open,
 * none for `risk.tasks.cooldownWeeks` after one was closed, and an open one closed as
 * `recovered` when the client no longer matches the rule.
 */
import type { App } from '../app.js';
import type { Queryable } from '../db/pool.js';
import { insertTasks, type NewTask } from '../db/tasks.js';
import { localDate, zonedTime } from '../domain/dates.js';
import { periodName } from '../domain/periods.js';
import { matchingPlaybooks, type PlaybookRule } from '../domain/playbooks.js';

export const PLAYBOOK = 'playbook';

export interface PlaybookResult {
  created: Record<string, number>;
  closedRecovered: number;
}

interface WeekRow {
  client_id: number;
  zone: string | null;
  categories: string[];
  week_end: string;
  primary_advance_until: string | null;
  remote_specialist_id: number | null;
}

export async function applyPlaybooks(app: App, db: Queryable, week: string, at: Date): Promise<PlaybookResult> {
  const rules = app.config.playbooks as Record<string, PlaybookRule>;
  const result: PlaybookResult = { created: {}, closedRecovered: 0 };
  const { rows } = await db.query<WeekRow>(
    `SELECT rs.client_id, rs.zone, rs.categories, rs.week_end::text AS week_end, c.primary_advance_until::text AS primary_advance_until,
            c.remote_specialist_id
       FROM risk_scores rs JOIN clients c ON c.id = rs.client_id WHERE rs.week = $1`,
    [week],
  );
  const matches = new Map<number, Set<string>>();
  for (const r of rows)
    matches.set(
      Number(r.client_id),
      new Set(
        matchingPlaybooks(rules, {
          zone: r.zone,
          categories: r.categories,
          primaryAdvanceUntil: r.primary_advance_until,
          weekEnd: r.week_end,
        }),
      ),
    );
  const cooldownFrom = new Date(at.getTime() - app.config.risk.tasks.cooldownWeeks * 7 * 86_400_000);
  const { rows: existing } = await db.query<{ id: number; client_id: number; playbook: string; state: string; closed_at: Date | null }>(
    `SELECT id, client_id, payload->>'playbook' AS playbook, state, closed_at FROM tasks
      WHERE kind = $1 AND (state = 'open' OR closed_at > $2)`,
    [PLAYBOOK, cooldownFrom],
  );
  const busy = new Set(existing.map((t) => `${t.client_id}.${t.playbook}`));
  // Auto-close: the client of the scored week no longer matches an enabled rule's condition.
  const recovered = existing.filter(
    (t) =>
      t.state === 'open' &&
      rules[t.playbook]?.enabled &&
      matches.has(Number(t.client_id)) &&
      !matches.get(Number(t.client_id))?.has(t.playbook),
  );
  if (recovered.length) {
    await db.query(
      `UPDATE tasks SET state = 'done', outcome = 'recovered', closed_at = $2,
              note = CASE WHEN note IS NULL OR note = '' THEN $3 ELSE note || E'\\n' || $3 END
        WHERE id = ANY($1::bigint[]) AND state = 'open'`,
      [recovered.map((t) => t.id), at, `Закрыто автоматически: клиент больше не подходит под правило, ${periodName(week)}.`],
    );
    result.closedRecovered = recovered.length;
  }
  const tz = app.config.ric.timeZone;
  const [h, m] = app.config.signals.workday.end.split(':').map(Number) as [number, number];
  const tasks: NewTask[] = [];
  for (const r of rows) {
    for (const name of matches.get(Number(r.client_id)) ?? []) {
      if (busy.has(`${r.client_id}.${name}`)) continue;
      const rule = rules[name] as PlaybookRule;
      tasks.push({
        kind: PLAYBOOK,
        direction: 'remote_contact',
        title: rule.title,
        assigneeId: r.remote_specialist_id,
        clientId: Number(r.client_id),
        plannedAt: at,
        dueAt: zonedTime(app.calendar.addWorkingDays(localDate(at, tz), rule.dueWorkingDays), h, m, tz),
        priority: 2,
        payload: { playbook: name, week, zone: r.zone, categories: r.categories },
        dedupKey: `${PLAYBOOK}.${name}.${r.client_id}.${week}`,
        createdBy: `playbook ${name}`,
      });
    }
  }
  const created = await insertTasks(db, tasks, at);
  for (const t of tasks)
    if (created.has(t.dedupKey)) result.created[t.payload?.playbook as string] = (result.created[t.payload?.playbook as string] ?? 0) + 1;
  return result;
}
