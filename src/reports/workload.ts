/**
 * «Загрузка сотрудников» (`report workload`): how the plan (src/workload/plan-work.ts) fits the
 * people. Per person and working day: the day's norm (0 on a day away), the visits planned on
 * it, those held, those that do not fit with their deadline on it, the open visits and their
 * median age; per person over the period the same summed up, with a chart of planned visits
 * against the norm; then what does not fit now, each with its reason, and the head's decisions
 * on it in the period. In the diary (`/diary/reports/workload`) a head sees their own department
 * and decides on each visit that does not fit right under the report.
 */

import { now } from '../clock.js';
import { overflowVisits } from '../db/visits.js';
import {
  absentDays,
  type OverflowDecisionRow,
  overflowDecisions,
  type WorkloadDay,
  workloadDays,
  workloadPeople,
} from '../db/workload-report.js';
import { addDays, localDate } from '../domain/dates.js';
import { UsageError } from '../domain/options.js';
import { count } from '../domain/ru.js';
import { dmy } from '../domain/ru-dates.js';
import { taskKindName } from '../domain/task-kinds.js';
import { clientLabel } from '../health/alert-email.js';
import { capacityOf } from '../workload/plan-work.js';
import type { BarsChart } from './charts/types.js';
import { dateOption, textOption } from './options.js';
import type { ReportColumn, ReportDefinition, ReportRow } from './types.js';

const PEOPLE = ['сотрудник', 'сотрудника', 'сотрудников'] as const;
/** Past this many people the chart shows the most loaded ones (the tables keep everyone). */
const CHART_PEOPLE = 40;

const ACTIONS: Record<OverflowDecisionRow['action'], string> = {
  move: 'Перенесён срок',
  reassign: 'Передан другому',
  drop: 'Снят с причиной',
};

const FIGURES: ReportColumn[] = [
  { key: 'capacity', header: 'Норма', type: 'int' },
  { key: 'planned', header: 'Запланировано визитов', type: 'int' },
  { key: 'load', header: 'Загрузка', type: 'percent' },
  { key: 'done', header: 'Выполнено', type: 'int' },
  { key: 'overflow', header: 'Не помещается', type: 'int' },
  { key: 'backlog', header: 'Открыто визитов', type: 'int' },
  { key: 'age', header: 'Медианный возраст открытых, дней', type: 'number' },
];

const share = (planned: number, capacity: number) => (capacity > 0 ? planned / capacity : null);
const age = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);

function decision(d: OverflowDecisionRow): string {
  if (d.action === 'move') return `срок ${d.before ? dmy(d.before) : '—'} → ${d.after ? dmy(d.after) : '—'}`;
  if (d.action === 'reassign') return `${d.before ?? '—'} → ${d.after ?? '—'}`;
  return d.reason ?? '';
}

export const workloadReport: ReportDefinition = {
  name: 'workload',
  title: 'Загрузка сотрудников',
  description:
    'Загрузка сотрудников: per person and working day the norm, planned visits, done, overflow, open visits and their median age',
  usage: 'report workload [--from 2024-06-01] [--to 2024-06-30] [--department D]',
  options: { from: { type: 'string' }, to: { type: 'string' }, department: { type: 'string' } },
  async build(app, values) {
    const tz = app.config.ric.timeZone;
    const today = localDate(now(), tz);
    const from = dateOption(values, 'from') ?? `${today.slice(0, 8)}01`;
    const to = dateOption(values, 'to') ?? addDays(`${addDays(`${from.slice(0, 8)}01`, 31).slice(0, 8)}01`, -1);
    if (from > to) throw new UsageError(`--from ${dmy(from)} позже --to ${dmy(to)}`);
    if (addDays(from, 92) < to) throw new UsageError(`--from ${dmy(from)} --to ${dmy(to)}: не больше трёх месяцев за раз`);
    const department = textOption(values, 'department') ?? null;
    if (department !== null) {
      const { rows } = await app.pool.query('SELECT 1 FROM departments WHERE lower(name) = lower($1)', [department]);
      if (!rows.length) throw new UsageError(`--department: «${department}» — нет такого подразделения (см. admin report contacts)`);
    }
    const people = await workloadPeople(app.pool, department);
    const ids = people.map((p) => p.id);
    const days = app.calendar.workingDaysIn(from, to);
    const away = await absentDays(app.pool, ids, from, to);
    const figures = new Map<string, WorkloadDay>();
    for (const d of await workloadDays(app.pool, { ids, days, today, tz })) figures.set(`${d.employee_id} ${d.day}`, d);

    const dayRows: ReportRow[] = [];
    const personRows: ReportRow[] = [];
    const sum = { capacity: 0, planned: 0, done: 0, overflow: 0, aboveNorm: 0 };
    for (const p of people) {
      const norm = capacityOf(app, p);
      const mine = { capacity: 0, planned: 0, done: 0, overflow: 0 };
      for (const day of days) {
        const f = figures.get(`${p.id} ${day}`);
        const isAway = away.has(`${p.id} ${day}`);
        const capacity = isAway ? 0 : norm;
        const planned = f?.planned ?? 0;
        if (planned > capacity) sum.aboveNorm++;
        mine.capacity += capacity;
        mine.planned += planned;
        mine.done += f?.done ?? 0;
        mine.overflow += f?.overflow ?? 0;
        dayRows.push({
          department: p.department ?? '',
          employee: p.name,
          day,
          capacity,
          planned,
          load: share(planned, capacity),
          done: f?.done ?? 0,
          overflow: f?.overflow ?? 0,
          backlog: f?.backlog ?? 0,
          age: age(f?.median_age ?? null),
          note: isAway ? 'отсутствует' : '',
        });
      }
      const last = figures.get(`${p.id} ${days.find((d) => d >= today) ?? days[days.length - 1]}`);
      personRows.push({
        department: p.department ?? '',
        employee: p.name,
        norm,
        days: days.length,
        ...mine,
        load: share(mine.planned, mine.capacity),
        backlog: last?.backlog ?? 0,
        age: age(last?.median_age ?? null),
      });
      sum.capacity += mine.capacity;
      sum.planned += mine.planned;
      sum.done += mine.done;
      sum.overflow += mine.overflow;
    }

    const overflow = await overflowVisits(app.pool, null, ids);
    const decisions = await overflowDecisions(app.pool, { ids, from, to, tz });
    const charted = [...personRows]
      .filter((r) => Number(r.capacity) > 0 || Number(r.planned) > 0)
      .sort((a, b) => Number(b.planned) - Number(a.planned))
      .slice(0, CHART_PEOPLE)
      .sort((a, b) => String(a.employee).localeCompare(String(b.employee), 'ru'));
    const chart: BarsChart = {
      kind: 'bars',
      title:
        charted.length < personRows.length
          ? `Запланировано и норма за период: ${count(charted.length, PEOPLE)} с наибольшим планом`
          : 'Запланировано и норма за период по сотрудникам',
      categories: charted.map((r) => String(r.employee)),
      series: [
        { name: 'Норма за период', values: charted.map((r) => Number(r.capacity)), color: 'grey' },
        { name: 'Запланировано визитов', values: charted.map((r) => Number(r.planned)), color: 'blue' },
      ],
      xTitle: 'Сотрудник',
      yTitle: 'Визитов',
    };
    const totals = (key: string): ReportRow => ({
      [key]: `Итого: (${people.length})`,
      capacity: sum.capacity,
      planned: sum.planned,
      load: share(sum.planned, sum.capacity),
      done: sum.done,
      overflow: sum.overflow,
    });
    return {
      name: 'workload',
      title: 'Загрузка сотрудников',
      subtitle: `${app.config.ric.code}, с ${dmy(from)} по ${dmy(to)}${department ? `; подразделение «${department}»` : ''}`,
      charts: charted.length ? [chart] : [],
      sections: [
        {
          title: 'По сотрудникам и рабочим дням',
          columns: [
            { key: 'department', header: 'Подразделение' },
            { key: 'employee', header: 'Сотрудник' },
            { key: 'day', header: 'Дата', type: 'date' },
            ...FIGURES,
            { key: 'note', header: 'Примечание' },
          ],
          rows: dayRows,
          totals: totals('department'),
          notes: [
            'Норма — визитов в рабочий день (0 в день отсутствия); часть нормы оставлена для сигналов и находок в течение дня.',
            'Не помещается — визиты без дня в плане со сроком в этот день (в первый день периода — и с более ранним сроком).',
            'Открыто визитов — на конец прошедшего дня; с сегодняшнего дня — открытые сейчас и не запланированные на более ранний день. Возраст считается от самого раннего повода визита.',
            sum.aboveNorm
              ? `Дней, где запланировано больше нормы: ${sum.aboveNorm}.`
              : 'Ни в один день ни у кого не запланировано больше нормы.',
          ],
        },
        {
          title: 'По сотрудникам за период',
          columns: [
            { key: 'department', header: 'Подразделение' },
            { key: 'employee', header: 'Сотрудник' },
            { key: 'norm', header: 'Норма в день', type: 'int' },
            { key: 'days', header: 'Рабочих дней', type: 'int' },
            { ...(FIGURES[0] as ReportColumn), header: 'Норма за период' },
            ...FIGURES.slice(1),
          ],
          rows: personRows,
          totals: totals('department'),
          notes: ['Открыто визитов и их возраст — на сегодня (или на последний день периода, если он прошёл).'],
        },
        {
          title: 'Не помещается в план',
          columns: [
            { key: 'client', header: 'Клиент' },
            { key: 'employee', header: 'Сотрудник' },
            { key: 'due', header: 'Срок', type: 'date' },
            { key: 'reasons', header: 'Поводы' },
            { key: 'why', header: 'Причина' },
          ],
          rows: overflow.map((v) => ({
            client: clientLabel({ number: v.client_number, name: v.client_name }),
            employee: v.assignee_name,
            due: v.due_on,
            reasons: v.reasons.map((r) => taskKindName(r.kind)).join('; '),
            why: v.overflow_reason ?? '',
          })),
          notes: overflow.length
            ? ['Руководитель решает по каждому: перенести срок, передать другому сотруднику или снять с причиной (в ежедневнике).']
            : ['Всё помещается в план.'],
        },
        {
          title: 'Решения руководителя за период',
          columns: [
            { key: 'at', header: 'Когда', type: 'datetime' },
            { key: 'by', header: 'Кто решил' },
            { key: 'client', header: 'Клиент' },
            { key: 'employee', header: 'Сотрудник' },
            { key: 'action', header: 'Решение' },
            { key: 'detail', header: 'Подробности' },
          ],
          rows: decisions.map((d) => ({
            at: d.decided_at,
            by: d.by_name,
            client: clientLabel({ number: d.client_number, name: d.client_name }),
            employee: d.assignee,
            action: ACTIONS[d.action],
            detail: decision(d),
          })),
        },
      ],
    };
  },
};
