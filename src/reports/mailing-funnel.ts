/**
 * «Воронка ежемесячного контакта с ЛПР» of a month: per mailing, how many decision makers were
 * selected → the e-mail sent → delivered → a link clicked by the person (not a scanner) → the
 * specialist's call held → feedback recorded (the answer to "what to prepare next time", or a
 * comment); the same per specialist (the call's assignee, else the client's remote specialist),
 * with the calls still open. One funnel chart per mailing. A call counts by the task
 * `lpr-call-tasks` made for the message.
 */

import { monthOfYear } from '../domain/ru.js';
import { OUTCOMES } from '../domain/task-outcomes.js';
import type { FunnelChart } from './charts/types.js';
import { MAILINGS_OF_MONTH } from './delivery.js';
import { monthOption } from './month-option.js';
import type { ReportColumn, ReportDefinition, ReportRow } from './types.js';

const STEPS = [
  { key: 'selected', header: 'Отобрано' },
  { key: 'sent', header: 'Отправлено' },
  { key: 'delivered', header: 'Доставлено' },
  { key: 'clicked', header: 'Перешли по ссылке' },
  { key: 'held', header: 'Звонок состоялся' },
  { key: 'feedback', header: 'Обратная связь' },
] as const;

const HELD = [OUTCOMES.held.taskOutcome, OUTCOMES['held-with-login'].taskOutcome];

const COUNTS = `
  count(*)::int AS selected,
  count(*) FILTER (WHERE m.sent_at IS NOT NULL OR m.state IN ('sent', 'bounced'))::int AS sent,
  count(*) FILTER (WHERE m.state = 'sent' AND m.bounce_kind IS NULL)::int AS delivered,
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM clicks c WHERE c.message_id = m.id AND c.is_bot = false))::int AS clicked,
  count(t.id)::int AS calls,
  count(*) FILTER (WHERE t.state = 'open')::int AS open_calls,
  count(*) FILTER (WHERE t.state = 'done' AND t.outcome = ANY($4::text[]))::int AS held,
  count(*) FILTER (WHERE t.state = 'done' AND t.outcome = ANY($4::text[]) AND (t.next_prep IS NOT NULL OR t.note IS NOT NULL))::int AS feedback`;

const FROM = `
   FROM mailings ml
   JOIN messages m ON m.mailing_id = ml.id
   JOIN clients cl ON cl.id = m.client_id
   LEFT JOIN tasks t ON t.dedup_key = 'lpr-call.' || m.id
   LEFT JOIN employees e ON e.id = coalesce(t.assignee_id, cl.remote_specialist_id)
  WHERE ${MAILINGS_OF_MONTH}`;

const NUMBERS: ReportColumn[] = [
  ...STEPS.slice(0, 4).map((s): ReportColumn => ({ key: s.key, header: s.header, type: 'int' })),
  { key: 'calls', header: 'Задач на звонок', type: 'int' },
  { key: 'open_calls', header: 'Звонков не проведено', type: 'int' },
  ...STEPS.slice(4).map((s): ReportColumn => ({ key: s.key, header: s.header, type: 'int' })),
  { key: 'reach', header: 'Звонок состоялся, % доставленных', type: 'percent' },
];

function withShares(rows: ReportRow[]): ReportRow[] {
  return rows.map((r) => ({ ...r, reach: Number(r.delivered) ? Number(r.held) / Number(r.delivered) : null }));
}

function totalsOf(rows: ReportRow[], label: string): ReportRow {
  const t: ReportRow = { [label]: `Итого: (${rows.length})` };
  for (const c of NUMBERS) if (c.type === 'int') t[c.key] = rows.reduce((s, r) => s + Number(r[c.key] ?? 0), 0);
  return withShares([t])[0] as ReportRow;
}

export function funnelChart(row: ReportRow): FunnelChart {
  return {
    kind: 'funnel',
    title: `Воронка: ${String(row.mailing)}`,
    steps: STEPS.map((s) => ({ label: s.header, value: Number(row[s.key] ?? 0) })),
    valueTitle: 'ЛПР',
    color: 'blue',
  };
}

export const mailingFunnelReport: ReportDefinition = {
  name: 'mailing-funnel',
  title: 'Воронка ежемесячного контакта с ЛПР',
  description: 'the monthly contact with decision makers as a funnel: selected, sent, delivered, clicked, call held, feedback',
  usage: 'report mailing-funnel [--period YYYY-MM]',
  options: { period: { type: 'string' } },
  forSpecialists: true,
  async build(app, values) {
    const month = monthOption(values.period, app.config.ric.timeZone);
    const params = [month.period, month.from, month.to, HELD];
    const { rows: mailings } = await app.pool.query<ReportRow>(
      `SELECT ml.subject AS mailing, ml.period, ${COUNTS} ${FROM} GROUP BY ml.id ORDER BY ml.created_at, ml.id`,
      params,
    );
    const { rows: people } = await app.pool.query<ReportRow>(
      `SELECT coalesce(e.name, 'не назначен') AS specialist, ${COUNTS} ${FROM} GROUP BY e.name ORDER BY e.name NULLS LAST`,
      params,
    );
    return {
      name: 'mailing-funnel',
      title: 'Воронка ежемесячного контакта с ЛПР',
      subtitle: `${monthOfYear(month.period)}, ${app.config.ric.code}`,
      charts: mailings.filter((m) => Number(m.selected) > 0).map(funnelChart),
      sections: [
        {
          title: 'Рассылки',
          columns: [{ key: 'mailing', header: 'Рассылка' }, { key: 'period', header: 'Период' }, ...NUMBERS],
          rows: withShares(mailings),
          totals: totalsOf(mailings, 'mailing'),
        },
        {
          title: 'По специалистам',
          columns: [{ key: 'specialist', header: 'Сотрудник (упр)' }, ...NUMBERS],
          rows: withShares(people),
          totals: totalsOf(people, 'specialist'),
          notes: [
            'Перешли по ссылке — переходы людей; переходы почтовых сканеров и роботов не учтены.',
            'Обратная связь — звонок состоялся и записан ответ «что подготовить к следующему звонку» или комментарий.',
          ],
        },
      ],
    };
  },
};
