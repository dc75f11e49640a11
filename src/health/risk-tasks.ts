/**
 * Risk-review tasks: a client entering high risk or the red zone gets one task for its remote
 * specialist with the reasons; no second while one is open; none for `risk.tasks.cooldownWeeks`
 * after one was closed; an open one is closed as `recovered` when the client is back to no threat.
 */
import type { App } from '../app.js';
import type { Queryable } from '../db/pool.js';
import type { RiskScoreRow } from '../db/risk-scores.js';
import { closeRecoveredRiskTasks, RISK_REVIEW, type RiskTaskCandidate, riskTaskCandidates } from '../db/risk-tasks.js';
import { insertTasks, type NewTask } from '../db/tasks.js';
import { localDate, zonedTime } from '../domain/dates.js';
import { periodName } from '../domain/periods.js';
import { COMPONENTS, type ComponentKey } from '../domain/risk-components.js';
import { scoreText, ZONE_NAMES } from '../domain/risk-model.js';
import { applyPlaybooks, type PlaybookResult } from './playbooks.js';

const COLUMN: Record<ComponentKey, 'training' | 'lk' | 'lpr_contact' | 'logins' | 'webinars'> = {
  training: 'training',
  lk: 'lk',
  lprContact: 'lpr_contact',
  logins: 'logins',
  webinars: 'webinars',
};

/** Components of a stored row, in the report's column order, with their reasons. */
export function componentLines(row: RiskScoreRow): { key: ComponentKey; score: number | null; reason: string }[] {
  return COMPONENTS.map((key) => {
    const col = COLUMN[key];
    return { key, score: row[col], reason: row[`${col}_reason`] ?? '' };
  });
}

/** The task for a candidate; its title names the components at the high-risk score. */
export function riskReviewTask(c: RiskTaskCandidate, at: Date, dueAt: Date, highScore: number): NewTask {
  const red = c.categories.includes('red_zone');
  const lines = componentLines(c);
  const high = lines.filter((l) => l.score !== null && l.score >= highScore);
  const worst = high.map((l) => l.reason);
  const why = worst.join('; ') || 'см. показатели';
  const head = red ? 'Клиент в красной зоне' : `Клиент в зоне «${ZONE_NAMES.high}»`;
  return {
    kind: RISK_REVIEW,
    direction: 'remote_contact',
    title: `${head} (индикатор ${scoreText(c.indicator)}): ${why}${why.endsWith('.') ? '' : '.'} Выяснить причины и составить план работы с клиентом.`,
    assigneeId: c.remote_specialist_id,
    clientId: c.client_id,
    plannedAt: at,
    dueAt,
    priority: 1,
    // The week's row in risk_scores keeps every component with its reason (`explain`).
    payload: { week: c.week, indicator: c.indicator, zone: c.zone, categories: c.categories, high: high.map((l) => l.key) },
    dedupKey: `${RISK_REVIEW}.${c.client_id}.${c.week}`,
    createdBy: 'risk-score',
  };
}

export interface RiskTaskResult {
  created: number;
  closedRecovered: number;
  /** Tasks of the playbooks (config `playbooks`), by playbook, and those closed as recovered. */
  playbooks: PlaybookResult;
}

/** Apply the task rules for `week` (the newest scored week) at instant `at`. */
export async function applyRiskTasks(app: App, db: Queryable, week: string, at: Date): Promise<RiskTaskResult> {
  const { tasks } = app.config.risk;
  const cooldownFrom = new Date(at.getTime() - tasks.cooldownWeeks * 7 * 86_400_000);
  const closed = await closeRecoveredRiskTasks(
    db,
    week,
    at,
    `Закрыто автоматически: клиент вернулся в зону «${ZONE_NAMES.none}», ${periodName(week)}.`,
  );
  const candidates = await riskTaskCandidates(db, week, cooldownFrom);
  const tz = app.config.ric.timeZone;
  const [h, m] = app.config.signals.workday.end.split(':').map(Number) as [number, number];
  const dueAt = zonedTime(app.calendar.addWorkingDays(localDate(at, tz), tasks.dueWorkingDays), h, m, tz);
  const created = await insertTasks(
    db,
    candidates.map((c) => riskReviewTask(c, at, dueAt, app.config.risk.scores.high)),
    at,
  );
  const playbooks = await applyPlaybooks(app, db, week, at);
  return { created: created.size, closedRecovered: closed.length, playbooks };
}
