/**
 * `plan [--employee NAME] [--date D | --from D --to D] [--json]`: the plans — for each person
 * and working day the capacity and the visits in order with their reasons — then the overflow
 * with its reasons. JSON: `{ plans: [{ employee, date, capacity, visits: [{ client, reasons }] }], overflow }`.
 * `employee capacity <name> <N>`: a person's own «Норма звонков в день» (`-` gives back the role's).
 */
import { now } from '../../clock.js';
import { findEmployeesByName } from '../../db/diary-auth.js';
import { overflowVisits, plannedVisits } from '../../db/visits.js';
import { type IsoDate, localDate } from '../../domain/dates.js';
import { count } from '../../domain/ru.js';
import { dmy } from '../../domain/ru-dates.js';
import { taskKindName } from '../../domain/task-kinds.js';
import { capacityOf, planWork } from '../../workload/plan-work.js';
import { type Command, emit, str, UsageError } from '../command.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dateOption(values: Record<string, unknown>, key: string): IsoDate | undefined {
  const v = str(values as never, key);
  if (v !== undefined && !DATE.test(v)) throw new UsageError(`--${key}: «${v}» — не дата (ожидается ГГГГ-ММ-ДД, например 2024-06-03)`);
  return v;
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'план каждого сотрудника по рабочим дням (норма, визиты с причинами), затем то, что не поместилось',
  usage: 'plan [--employee NAME] [--date D | --from D --to D] [--json]',
  options: { employee: { type: 'string' }, date: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  async run(ctx, values) {
    const app = ctx.app();
    const today = localDate(now(), app.config.ric.timeZone);
    const date = dateOption(values, 'date');
    const from = date ?? dateOption(values, 'from') ?? today;
    const to = date ?? dateOption(values, 'to') ?? from;
    if (to < from) throw new UsageError(`--to ${to} is before --from ${from}`);
    const name = str(values, 'employee');
    const { rows: people } = await app.pool.query<{
      id: number;
      name: string;
      role: 'remote' | 'field' | 'head';
      daily_capacity: number | null;
    }>(
      `SELECT id, name, role, daily_capacity FROM employees WHERE active AND ($1::text IS NULL OR name ILIKE '%' || $1 || '%') ORDER BY name`,
      [name ?? null],
    );
    if (name && !people.length) {
      ctx.err(`сотрудник «${name}» не найден\n`);
      return 1;
    }
    const ids = people.map((p) => p.id);
    const visits = await plannedVisits(app.pool, ids, from, to);
    const byKey = new Map<string, typeof visits>();
    for (const v of visits) {
      const k = `${v.assignee_id}|${v.planned_on}`;
      byKey.set(k, [...(byKey.get(k) ?? []), v]);
    }
    interface DayPlanOut {
      employee: string;
      date: IsoDate;
      capacity: number;
      visits: {
        visit: number;
        client: number;
        clientName: string;
        due: IsoDate | null;
        reasons: { task: number; kind: string; title: string; due: Date | null }[];
      }[];
    }
    const plans: DayPlanOut[] = [];
    for (const p of people) {
      for (const day of app.calendar.workingDaysIn(from, to)) {
        const list = byKey.get(`${p.id}|${day}`) ?? [];
        if (!list.length && name === undefined) continue;
        plans.push({
          employee: p.name,
          date: day,
          capacity: capacityOf(app, p),
          visits: list.map((v) => ({
            visit: v.id,
            client: v.client_number,
            clientName: v.client_name,
            due: v.due_on,
            reasons: v.reasons.map((r) => ({ task: r.task_id, kind: r.kind, title: r.title, due: r.due_at })),
          })),
        });
      }
    }
    const over = (await overflowVisits(app.pool, null, ids)).map((v) => ({
      employee: v.assignee_name,
      client: v.client_number,
      clientName: v.client_name,
      due: v.due_on,
      reason: v.overflow_reason,
      reasons: v.reasons.map((r) => ({ task: r.task_id, kind: r.kind })),
    }));
    emit(ctx, { from, to, plans, overflow: over }, () => {
      const lines: string[] = [];
      for (const p of plans) {
        lines.push(`${p.employee} — ${dmy(p.date)}: ${count(p.visits.length, ['визит', 'визита', 'визитов'])} при норме ${p.capacity}`);
        for (const [i, v] of p.visits.entries()) {
          const reasons = v.reasons.map((r) => taskKindName(r.kind)).join('; ');
          lines.push(`  ${i + 1}. ${v.client} - ${v.clientName}${v.due ? ` (срок ${dmy(v.due)})` : ''}: ${reasons}`);
        }
      }
      if (!plans.length) lines.push('Запланированных визитов нет.');
      lines.push('', over.length ? `Не помещается (${over.length}):` : 'Всё помещается в план.');
      for (const o of over) lines.push(`  ${o.employee}: ${o.client} - ${o.clientName} — ${o.reason}`);
      return `${lines.join('\n')}\n`;
    });
    return 0;
  },
};

export const employeeCapacityCommand: Command = {
  name: 'employee capacity',
  summary: 'задать сотруднику свою «Норму звонков в день» (- возвращает норму роли) и пересчитать план',
  usage: 'employee capacity <name> <N|-> [--json]\n  name: the full name as imported, or a part only one employee has',
  args: { min: 2, max: 9 },
  async run(ctx, _values, words) {
    const raw = words[words.length - 1] as string;
    const name = words.slice(0, -1).join(' ').trim();
    if (raw !== '-' && !/^\d{1,4}$/.test(raw)) throw new UsageError(`N: "${raw}" is not a number of contacts per day (0–1000) or "-"`);
    const n = raw === '-' ? null : Number(raw);
    if (n !== null && n > 1000) throw new UsageError(`N: ${n} is above 1000 contacts per day`);
    const app = ctx.app();
    const found = await findEmployeesByName(app.pool, name);
    if (found.length !== 1) {
      ctx.err(
        found.length ? `«${name}»: подходит ${found.length} сотрудников, укажите ФИО полностью\n` : `сотрудник «${name}» не найден\n`,
      );
      return 1;
    }
    const e = found[0] as (typeof found)[number];
    await app.pool.query('UPDATE employees SET daily_capacity = $2, updated_at = now() WHERE id = $1', [e.id, n]);
    const stats = await planWork(app);
    emit(ctx, { employee: e.name, capacity: n, plan: stats }, () =>
      n === null
        ? `${e.name}: норма звонков в день — по роли; план пересчитан\n`
        : `${e.name}: норма звонков в день — ${n}; план пересчитан (не помещается: ${stats.overflow})\n`,
    );
    return 0;
  },
};
