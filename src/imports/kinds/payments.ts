/** «Начисления и оплаты»: Номер клиента · Месяц (mm.yyyy) · Начислено · Оплачено · [Задолженность]. */
import { applyPayments } from '../../db/payments.js';
import type { ColumnSpec } from '../columns.js';
import { clientId, type ImportKind, onceEach, stageColumns, tableRows } from '../kind.js';
import { parseClientRef, parseMoney, parseMonth } from '../values.js';

const COLUMNS: ColumnSpec[] = [
  { key: 'number', ru: 'Номер клиента', en: 'client number', aliases: ['Клиент'] },
  { key: 'month', ru: 'Месяц', en: 'month', aliases: ['Период'] },
  { key: 'charged', ru: 'Начислено', en: 'charged' },
  { key: 'paid', ru: 'Оплачено', en: 'paid' },
  { key: 'debt', ru: 'Задолженность', en: 'debt', optional: true, aliases: ['Долг'] },
];

export const paymentsKind: ImportKind = {
  kind: 'payments',
  title: 'Начисления и оплаты',
  stage: stageColumns('client_id bigint, month date, charged numeric(12,2), paid numeric(12,2), debt numeric(12,2)'),
  *parse(rows, ctx) {
    const once = onceEach<string>();
    yield* tableRows(rows, COLUMNS, ctx, (r) => {
      const ref = r.get('number', parseClientRef, true);
      const client = clientId(r, 'number', ctx, ref?.number);
      const month = r.get('month', parseMonth, true);
      const charged = r.get('charged', parseMoney, true);
      const paid = r.get('paid', parseMoney, true);
      // Without the column, the month's own shortfall.
      const debt = r.get('debt', parseMoney) ?? (charged !== undefined && paid !== undefined ? Math.max(0, charged - paid) : undefined);
      if (client === undefined || !month) return undefined;
      once(r, 'month', `${client}|${month}`, `клиент ${ref?.number}, месяц ${month.slice(0, 7)}`, 'одна строка на месяц');
      ctx.cover(month);
      return [client, month, charged, paid, debt];
    });
  },
  apply: applyPayments,
};
