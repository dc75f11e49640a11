/**
 * The simulation's figures as a report (the report renderers' page with charts, the workbook,
 * the terminal's table) and side by side for `simulate compare`. Headers in Russian: the desk
 * reads them.
 */
import type { Chart, Report, ReportColumn, ReportRow } from '../reports/types.js';
import type { WeekFigures } from './metrics.js';
import type { SimFigures, SimMeasures } from './run.js';

export const WEEK_COLUMNS: ReportColumn[] = [
  { key: 'week', header: 'Неделя' },
  { key: 'openTotal', header: 'Открытых задач', type: 'int' },
  { key: 'openMedian', header: 'На сотрудника: медиана', type: 'number' },
  { key: 'openMax', header: 'макс.', type: 'int' },
  { key: 'largestPlan', header: 'Самый большой план дня', type: 'int' },
  { key: 'largestPlanCapacity', header: 'Ёмкость в тот день', type: 'int' },
  { key: 'overflow', header: 'Не успели', type: 'int' },
  { key: 'closed', header: 'Закрыто', type: 'int' },
  { key: 'onTimeShare', header: 'В срок', type: 'percent' },
  { key: 'medianOpenAgeDays', header: 'Возраст открытых, дн.', type: 'number' },
  { key: 'lprReachedShare', header: 'ЛПР с контактом в месяце', type: 'percent' },
  { key: 'lprCalledTwice', header: 'ЛПР: два разговора за месяц', type: 'int' },
  { key: 'lprCalledSoon', header: 'ЛПР: снова раньше 3 недель', type: 'int' },
  { key: 'emailsPerLpr', header: 'Писем на ЛПР в месяце', type: 'number' },
  { key: 'alerts', header: 'Сигналов ТС', type: 'int' },
  { key: 'alertsPerFieldMedian', header: 'На ТС: медиана', type: 'number' },
  { key: 'alertsPerFieldMax', header: 'макс.', type: 'int' },
  { key: 'reactionMedianHours', header: 'Реакция ТС, ч', type: 'number' },
  { key: 'highZone', header: 'Высокий риск', type: 'int' },
  { key: 'disconnected', header: 'Отключились', type: 'int' },
  { key: 'moved', header: 'Передано', type: 'int' },
];

/** The terminal's line per week: the columns that fit a screen. */
export const TERMINAL_COLUMNS: ReportColumn[] = WEEK_COLUMNS.filter((c) =>
  [
    'week',
    'openTotal',
    'openMedian',
    'openMax',
    'largestPlan',
    'overflow',
    'onTimeShare',
    'lprReachedShare',
    'alerts',
    'reactionMedianHours',
    'highZone',
    'disconnected',
  ].includes(c.key),
);

const TABLES = ['tasks', 'contact_events', 'messages', 'clicks', 'risk_scores', 'signals', 'job_runs', 'imports', 'notifications'];

const fmt = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? 'н/д' : x.toFixed(digits).replace('.', ','));

/** The totals as lines of text (the page's notes, the terminal's end). */
export function totalsLines(f: SimFigures): string[] {
  const p = f.totals.prediction;
  const u = f.totals.uplift;
  const lines = [
    `Клиентов ${f.settings.clients}, недель ${f.settings.weeks}, зерно ${f.settings.seed}, специалистов ${f.settings.remote} ДИС и ${f.settings.field} ТС, ёмкость ${f.settings.capacity} задач в день, начало ${f.settings.start}.`,
    `Отключились: ${f.totals.disconnections}; закрыто задач: ${f.totals.closed}; сигналов ТС: ${f.totals.alerts}.`,
    `Прогноз отключений вне выборки (горизонт ${p.churnguard.horizonWeeks} нед., ${p.churnguard.clientWeeks} клиенто-недель, ${p.churnguard.followedByDisconnection} с отключением):`,
    `  индикатор churnguard — ROC AUC ${fmt(p.churnguard.auc)}, полнота зоны высокого риска ${fmt(p.churnguard.highZoneRecall)}, точность ${fmt(p.churnguard.highZonePrecision)};`,
    `  индикатор КИС («Фиксация отклонений») — ROC AUC ${fmt(p.crm.auc)}, полнота зоны высокого риска ${fmt(p.crm.highZoneRecall)}, точность ${fmt(p.crm.highZonePrecision)}.`,
    `Эффект звонка в течение 4 недель после входа в высокий риск: отключились ${fmt(u.treatedRate)} из ${u.treated} с проведённым звонком против ${fmt(u.controlRate)} из ${u.control} без него; разница ${fmt(u.difference)}${u.ci95 ? ` (95 % ДИ ${fmt(u.ci95[0])} … ${fmt(u.ci95[1])})` : ''}.`,
  ];
  const b = f.invariants.broken;
  lines.push(b ? `Нарушено правило «${b.invariant}» ${b.day}: ${b.detail}.` : 'Все правила соблюдались каждый день.');
  if (f.invariants.steadyState) lines.push(`Предупреждение: ${f.invariants.steadyState}.`);
  return lines;
}

function weekChart(
  title: string,
  weeks: WeekFigures[],
  series: [string, keyof WeekFigures][],
  yTitle: string,
  kind: 'lines' | 'bars' = 'lines',
  format: 'int' | 'percent' | 'number' = 'int',
): Chart {
  return {
    kind,
    title,
    categories: weeks.map((w) => `${w.monday.slice(8, 10)}.${w.monday.slice(5, 7)}`),
    series: series.map(([name, key]) => ({ name, values: weeks.map((w) => (w[key] === null ? null : Number(w[key]))) })),
    xTitle: 'Неделя',
    yTitle,
    format,
    ...(format === 'percent' ? { yMax: 1 } : {}),
  };
}

export function simulationReport(f: SimFigures, m: SimMeasures): Report {
  const weeks = f.weeks;
  const jobs = [...new Set(m.jobSeconds.flatMap((w) => Object.keys(w)))].sort();
  const charts: Chart[] = [
    weekChart(
      'Открытые задачи на конец недели',
      weeks,
      [
        ['Всего', 'openTotal'],
        ['Максимум на сотрудника', 'openMax'],
      ],
      'Задач',
    ),
    weekChart(
      'План дня и перегрузка',
      weeks,
      [
        ['Самый большой план дня', 'largestPlan'],
        ['Не успели за неделю', 'overflow'],
      ],
      'Задач',
      'bars',
    ),
    weekChart('ЛПР с проведённым контактом в месяце', weeks, [['Доля ЛПР', 'lprReachedShare']], 'Доля', 'lines', 'percent'),
    weekChart(
      'Сигналы полевому сопровождению',
      weeks,
      [
        ['Всего', 'alerts'],
        ['Максимум на ТС', 'alertsPerFieldMax'],
      ],
      'Сигналов',
      'bars',
    ),
    weekChart(
      'Отключения и высокий риск',
      weeks,
      [
        ['Высокий риск', 'highZone'],
        ['Отключились', 'disconnected'],
      ],
      'Клиентов',
    ),
  ];
  if (m.sizes.length)
    charts.push({
      kind: 'bars',
      title: 'Размер базы данных на конец месяца',
      categories: m.sizes.map((s) => s.month),
      series: [{ name: 'МБ', values: m.sizes.map((s) => Math.round((s.bytes / 1048576) * 10) / 10) }],
      xTitle: 'Месяц',
      yTitle: 'МБ',
      format: 'number',
    });
  const monthRows: ReportRow[] = f.months.map((mo) => {
    const size = m.sizes.find((s) => s.month === mo.month);
    const row: ReportRow = {
      month: mo.month,
      disconnections: mo.disconnections,
      mb: size ? Math.round((size.bytes / 1048576) * 10) / 10 : null,
      all: Object.values(mo.rows).reduce((a, b) => a + b, 0),
    };
    for (const t of TABLES) row[t] = mo.rows[t] ?? 0;
    return row;
  });
  return {
    name: 'simulation',
    title: 'Симуляция РИЦ: что будет через несколько месяцев',
    subtitle: `${f.settings.clients} клиентов, ${f.settings.weeks} недель с ${f.settings.start}`,
    charts,
    sections: [
      { title: 'Неделя за неделей', columns: WEEK_COLUMNS, rows: weeks as unknown as ReportRow[], notes: totalsLines(f) },
      {
        title: 'Месяц за месяцем: отключения, размер базы, строк в таблицах',
        columns: [
          { key: 'month', header: 'Месяц' },
          { key: 'disconnections', header: 'Отключений', type: 'int' },
          { key: 'mb', header: 'База, МБ', type: 'number' },
          { key: 'all', header: 'Строк всего', type: 'int' },
          ...TABLES.map((t) => ({ key: t, header: t, type: 'int' as const })),
        ],
        rows: monthRows,
      },
      {
        title: 'Длительность заданий по неделям, с',
        columns: [{ key: 'week', header: 'Неделя' }, ...jobs.map((j) => ({ key: j, header: j, type: 'number' as const }))],
        rows: m.jobSeconds.map((w, i) => ({
          week: weeks[i]?.week ?? '',
          ...Object.fromEntries(jobs.map((j) => [j, Math.round((w[j] ?? 0) * 10) / 10])),
        })),
      },
    ],
  };
}

/** What `--json` prints: the figures, without durations or sizes. */
export function figuresJson(f: SimFigures): string {
  return `${JSON.stringify(f, null, 2)}\n`;
}

/** The figures of two runs side by side: each weekly figure's totals and the run's totals, A, B and B − A. */
export function compareRows(a: SimFigures, b: SimFigures): { figure: string; a: number | null; b: number | null; diff: number | null }[] {
  const sum = (f: SimFigures, key: keyof WeekFigures) => f.weeks.reduce((s, w) => s + (Number(w[key]) || 0), 0);
  const last = (f: SimFigures, key: keyof WeekFigures) => {
    const v = f.weeks.at(-1)?.[key];
    return v === null || v === undefined ? null : Number(v);
  };
  const maxOf = (f: SimFigures, key: keyof WeekFigures) => Math.max(0, ...f.weeks.map((w) => Number(w[key]) || 0));
  const rows: [string, (f: SimFigures) => number | null][] = [
    ['Открытых задач в конце', (f) => last(f, 'openTotal')],
    ['Максимум открытых на сотрудника', (f) => maxOf(f, 'openMax')],
    ['Самый большой план дня', (f) => maxOf(f, 'largestPlan')],
    ['Не успели (сумма)', (f) => sum(f, 'overflow')],
    ['Закрыто задач', (f) => f.totals.closed],
    ['Доля в срок (последняя неделя)', (f) => last(f, 'onTimeShare')],
    ['Возраст открытых, дн. (последняя неделя)', (f) => last(f, 'medianOpenAgeDays')],
    ['ЛПР с контактом в месяце (последняя неделя)', (f) => last(f, 'lprReachedShare')],
    ['ЛПР: два разговора за месяц (макс.)', (f) => maxOf(f, 'lprCalledTwice')],
    ['ЛПР: снова раньше 3 недель (сумма)', (f) => sum(f, 'lprCalledSoon')],
    ['Сигналов ТС', (f) => f.totals.alerts],
    ['Сигналов на ТС в неделю (макс.)', (f) => maxOf(f, 'alertsPerFieldMax')],
    ['Отключились', (f) => f.totals.disconnections],
    ['ROC AUC вне выборки: churnguard', (f) => f.totals.prediction.churnguard.auc],
    ['ROC AUC вне выборки: КИС', (f) => f.totals.prediction.crm.auc],
    ['Полнота высокого риска: churnguard', (f) => f.totals.prediction.churnguard.highZoneRecall],
    ['Полнота высокого риска: КИС', (f) => f.totals.prediction.crm.highZoneRecall],
    ['Эффект звонка (разница долей)', (f) => f.totals.uplift.difference],
  ];
  return rows.map(([figure, get]) => {
    const x = get(a);
    const y = get(b);
    return { figure, a: x, b: y, diff: x === null || y === null ? null : Math.round((y - x) * 1000) / 1000 };
  });
}
