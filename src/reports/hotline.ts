/**
 * «Отчет по ГЛ»: the hotline's questions and document orders per client and month, over the
 * last N months (the current one included), as the CRM's OLAP report lays months out in
 * columns; then the same per month for the whole list. Served clients without a request in the
 * window are counted in a note, not listed.
 */

import { now } from '../clock.js';
import { addMonths, localDate } from '../domain/dates.js';
import { int } from '../domain/options.js';
import { monthTitle } from '../domain/ru.js';
import { clientLabel } from '../health/alert-email.js';
import type { ReportColumn, ReportDefinition, ReportRow } from './types.js';

interface Row {
  number: number;
  name: string;
  remote: string | null;
  month: string;
  questions: number;
  documents: number;
}

export const hotlineReport: ReportDefinition = {
  name: 'hotline',
  title: 'Отчет по ГЛ',
  description: 'Отчет по ГЛ: hotline questions and documents per client and month',
  usage: 'report hotline [--months 6]',
  options: { months: { type: 'string' } },
  forSpecialists: true,
  async build(app, values) {
    const months = int(values, 'months', { min: 1, max: 36 }) ?? 6;
    const today = localDate(now(), app.config.ric.timeZone);
    const first = addMonths(`${today.slice(0, 8)}01`, -(months - 1));
    const periods = Array.from({ length: months }, (_, i) => addMonths(first, i).slice(0, 7));
    const { rows } = await app.pool.query<Row>(
      `SELECT c.number, c.name, e.name AS remote, to_char(h.requested_on, 'YYYY-MM') AS month,
              count(*) FILTER (WHERE h.kind = 'question')::int AS questions,
              count(*) FILTER (WHERE h.kind = 'document')::int AS documents
         FROM hotline_requests h
         JOIN served_clients c ON c.id = h.client_id
         LEFT JOIN employees e ON e.id = c.remote_specialist_id
        WHERE h.requested_on >= $1::date AND h.requested_on <= $2::date
        GROUP BY c.number, c.name, e.name, 4
        ORDER BY c.number, 4`,
      [first, today],
    );
    const { rows: served } = await app.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM served_clients');
    const byClient = new Map<number, ReportRow>();
    for (const r of rows) {
      const row = byClient.get(r.number) ?? { client: clientLabel(r), remote: r.remote ?? 'не назначен', questions: 0, documents: 0 };
      row[`q_${r.month}`] = r.questions;
      row[`d_${r.month}`] = r.documents;
      row.questions = Number(row.questions) + r.questions;
      row.documents = Number(row.documents) + r.documents;
      byClient.set(r.number, row);
    }
    const list = [...byClient.values()];
    const monthColumns = periods.flatMap((p): ReportColumn[] => [
      { key: `q_${p}`, header: `${monthTitle(p)}: вопросы`, type: 'int' },
      { key: `d_${p}`, header: `${monthTitle(p)}: документы`, type: 'int' },
    ]);
    const sum = (key: string, from: readonly ReportRow[]) => from.reduce((s, r) => s + Number(r[key] ?? 0), 0);
    const totals: ReportRow = { client: `Итого: (${list.length})`, questions: sum('questions', list), documents: sum('documents', list) };
    for (const c of monthColumns) totals[c.key] = sum(c.key, list);
    const perMonth = periods.map((p) => {
      const of = rows.filter((r) => r.month === p);
      return {
        month: monthTitle(p),
        questions: of.reduce((s, r) => s + r.questions, 0),
        documents: of.reduce((s, r) => s + r.documents, 0),
        clients: new Set(of.map((r) => r.number)).size,
      };
    });
    return {
      name: 'hotline',
      title: 'Отчет по ГЛ',
      subtitle: `${app.config.ric.code}, ${monthTitle(periods[0] as string)} — ${monthTitle(periods[periods.length - 1] as string)}`,
      sections: [
        {
          columns: [
            { key: 'client', header: 'Клиент' },
            { key: 'remote', header: 'Сотрудник (упр)' },
            ...monthColumns,
            { key: 'questions', header: 'Вопросов всего', type: 'int' },
            { key: 'documents', header: 'Документов всего', type: 'int' },
          ],
          rows: list.map((r) => {
            for (const c of monthColumns) r[c.key] ??= 0;
            return r;
          }),
          totals,
          notes: [`Обслуживаемых клиентов без обращений на ГЛ за период: ${(served[0]?.n ?? 0) - list.length}.`],
        },
        {
          title: 'По месяцам',
          columns: [
            { key: 'month', header: 'Месяц' },
            { key: 'questions', header: 'Вопросов', type: 'int' },
            { key: 'documents', header: 'Документов', type: 'int' },
            { key: 'clients', header: 'Клиентов обращались', type: 'int' },
          ],
          rows: perMonth,
          totals: { month: 'Итого', questions: totals.questions, documents: totals.documents, clients: list.length },
        },
      ],
    };
  },
};
