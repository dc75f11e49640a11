/**
 * «Отсутствия» (leave, sick days, business trips): Сотрудник (ФИО) · С · По — the employee is
 * away from the first date to the second, both included. The planner gives nobody a plan on a
 * day they are away and offers what falls due meanwhile to the head (src/domain/plan.ts).
 * Rows are added, never replaced: the same absence again (in this file or another) changes
 * nothing, so a re-import is harmless.
 */
import { applyAbsences } from '../../db/absences.js';
import { dmy } from '../../domain/ru-dates.js';
import type { ColumnSpec } from '../columns.js';
import { employeeId, type ImportKind, stageColumns, tableRows } from '../kind.js';
import { clean, parseDate } from '../values.js';

const COLUMNS: ColumnSpec[] = [
  { key: 'employee', ru: 'Сотрудник', en: 'employee', aliases: ['ФИО', 'Исполнитель'] },
  { key: 'from', ru: 'С', en: 'from', aliases: ['Дата начала', 'Начало', 'Отсутствует с'] },
  { key: 'to', ru: 'По', en: 'to', aliases: ['Дата окончания', 'Окончание', 'Отсутствует по'] },
];

export const absencesKind: ImportKind = {
  kind: 'absences',
  title: 'Отсутствия',
  stage: stageColumns('employee_id bigint, from_date date, to_date date'),
  *parse(rows, ctx) {
    yield* tableRows(rows, COLUMNS, ctx, (r) => {
      const name = r.get('employee', clean, true);
      const employee = employeeId(r, 'employee', ctx, name);
      const from = r.get('from', parseDate, true);
      const to = r.get('to', parseDate, true);
      if (from && to && to < from)
        r.fail('to', `По: ${dmy(to)} раньше начала отсутствия ${dmy(from)} (ожидалась дата не раньше даты в столбце «С»)`);
      if (employee === undefined || !from || !to || to < from) return undefined;
      ctx.cover(from);
      ctx.cover(to);
      return [employee, from, to];
    });
  },
  apply: applyAbsences,
};
