/**
 * «Фиксация отклонений»: the weekly risk report laid out like the CRM's OLAP report — a row
 * `NNNNNN - Name` per responsible employee, the department, the five components, the indicator,
 * a totals row `Итого: (N)` (sums of the components, mean of the indicator, as the CRM shows).
 * Stale components are `н/д`, and notes under the table name the stale sources.
 */

import type { App } from '../app.js';
import { now } from '../clock.js';
import { type DeviationRow, listDeviations } from '../db/deviations.js';
import { latestScoredWeek } from '../db/risk-scores.js';
import { loadSourceCoverage } from '../db/source-times.js';
import { isLeaving, LEAVING_TITLE } from '../domain/client-states.js';
import { COMPONENT_COVERAGE, COVERED_SOURCES, isCoverageReason, mergeSpans } from '../domain/coverage.js';
import { type IndicatorSourceSetting, sourceLabel } from '../domain/indicator-source.js';
import { UsageError, weekOption } from '../domain/options.js';
import { periodName, periodOf, periodRange, shiftPeriod } from '../domain/periods.js';
import { CATEGORY_NAMES, type RiskCategory } from '../domain/risk-categories.js';
import { COMPONENT_HEADERS, COMPONENTS, type ComponentKey } from '../domain/risk-components.js';
import { round3, ZONE_NAMES, type Zone } from '../domain/risk-model.js';
import { dmy } from '../domain/ru-dates.js';
import { SOURCE_NAMES } from '../domain/sources.js';
import { clientLabel } from '../health/alert-email.js';
import { deviationCharts } from './deviations-charts.js';
import { storedShareCounts, thresholdSection } from './threshold-shares.js';
import type { Report, ReportColumn, ReportDefinition, ReportRow, ReportSection } from './types.js';

const COLUMN: Record<ComponentKey, keyof DeviationRow> = {
  training: 'training',
  lk: 'lk',
  lprContact: 'lpr_contact',
  logins: 'logins',
  webinars: 'webinars',
};

export const ND = 'н/д';

const ZONES = ['high', 'dynamic', 'none'] as const;

export const DEVIATION_COLUMNS: ReportColumn[] = [
  { key: 'description', header: 'Описание' },
  { key: 'employee', header: 'Сотрудник (упр)' },
  { key: 'department', header: 'Подразделение' },
  ...COMPONENTS.map((k): ReportColumn => ({ key: k, header: COMPONENT_HEADERS[k], type: 'score' })),
  { key: 'indicator', header: 'Индикатор (-)', type: 'score' },
  // Both indicators side by side, and which one the zone follows (risk.indicatorSource).
  { key: 'computed', header: 'Индикатор churnguard', type: 'score' },
  { key: 'crm', header: 'Индикатор КИС', type: 'score' },
  { key: 'source', header: 'Источник' },
  { key: 'delta', header: 'Изменение за неделю', type: 'score' },
  { key: 'categories', header: 'Категории' },
];

/** The report rows, the totals row and the notes for stored rows of one week. */
export function deviationSection(
  rows: readonly DeviationRow[],
  setting: IndicatorSourceSetting = 'crm-first',
): { rows: ReportRow[]; totals: ReportRow; notes: string[] } {
  const out = rows.map((r) => {
    const row: ReportRow = {
      description: clientLabel(r),
      employee: r.employee ?? '',
      department: r.department ?? '',
      indicator: r.indicator ?? ND,
      computed: r.computed_indicator ?? ND,
      crm: r.crm_indicator ?? ND,
      // The fallback is named on every row that uses it (crm-first, no CRM report of the week).
      source: sourceLabel(r.indicator_source, setting),
      // Within the acting series only: «н/д» where it has no value last week, never a switch of source.
      delta: r.indicator_delta ?? (r.indicator === null ? null : ND),
      categories: r.categories.map((c) => CATEGORY_NAMES[c as RiskCategory] ?? c).join(', '),
    };
    for (const k of COMPONENTS) row[k] = (r[COLUMN[k]] as number | null) ?? ND;
    return row;
  });
  const totals: ReportRow = { description: `Итого: (${rows.length})` };
  for (const k of COMPONENTS) {
    const vals = rows.map((r) => r[COLUMN[k]] as number | null).filter((v): v is number => v !== null);
    totals[k] = vals.length ? Math.round(vals.reduce((a, b) => a + b, 0) * 100) / 100 : null;
  }
  const inds = rows.map((r) => r.indicator).filter((v): v is number => v !== null);
  totals.indicator = inds.length ? round3(inds.reduce((a, b) => a + b, 0) / inds.length) : null;
  const notes: string[] = [];
  const reasonOf = (r: DeviationRow, k: ComponentKey) => String(r[`${COLUMN[k]}_reason` as keyof DeviationRow] ?? '');
  for (const k of COMPONENTS) {
    // Stale sources and windows the data does not cover are told apart: each its own note.
    for (const coverage of [false, true]) {
      const hit = rows.filter((r) => r.stale_components.includes(k) && isCoverageReason(reasonOf(r, k)) === coverage);
      const first = hit[0];
      if (!first) continue;
      const n = new Set(hit.map((r) => r.client_id)).size;
      const reason = reasonOf(first, k).replace(/^н\/д:\s*/, '');
      notes.push(
        coverage
          ? `${ND} «${COMPONENT_HEADERS[k]}» (${n} кл.): данные не покрывают окно — ${reason}; в индикатор не входит.`
          : `${ND} «${COMPONENT_HEADERS[k]}» (${n} кл.): нет свежих данных — ${reason}; в индикатор не входит.`,
      );
    }
  }
  return { rows: out, totals, notes };
}

/** Leaving clients (liquidation, reorganisation) in their own group, after the served ones. */
function groupLeaving(rows: readonly DeviationRow[], setting: IndicatorSourceSetting): Report['sections'] {
  const leaving = rows.filter((r) => isLeaving(r.client_state));
  const served = rows.filter((r) => !leaving.includes(r));
  const sections: Report['sections'] = [{ columns: DEVIATION_COLUMNS, ...deviationSection(served, setting) }];
  if (leaving.length) sections.push({ title: LEAVING_TITLE, columns: DEVIATION_COLUMNS, ...deviationSection(leaving, setting) });
  return sections;
}

export const COVERAGE_TITLE = 'Покрытие данных выгрузками КИС';

/**
 * Per event source: the span its imports cover (merged, gaps over a week kept) and how many
 * clients of the week's rows have a component `н/д` because that span misses its window.
 */
async function coverageSection(app: App, rows: readonly DeviationRow[]): Promise<ReportSection> {
  const spans = await loadSourceCoverage(app.pool, app.config.ric.timeZone);
  const out: ReportRow[] = [];
  for (const kind of COVERED_SOURCES) {
    const merged = mergeSpans(spans[kind] ?? []);
    const components = COMPONENTS.filter((k) => COMPONENT_COVERAGE[k] === kind);
    const nd = new Set(
      rows
        .filter((r) => components.some((k) => isCoverageReason(String(r[`${COLUMN[k]}_reason` as keyof DeviationRow] ?? ''))))
        .map((r) => r.client_id),
    ).size;
    out.push({
      source: SOURCE_NAMES[kind],
      covered: merged.length ? merged.map((x) => `с ${dmy(x.from)} по ${dmy(x.to)}`).join('; ') : 'не записано (только давность загрузки)',
      components: components.map((k) => COMPONENT_HEADERS[k]).join(', ') || '—',
      nd,
    });
  }
  return {
    title: COVERAGE_TITLE,
    columns: [
      { key: 'source', header: 'Выгрузка' },
      { key: 'covered', header: 'Данные за период' },
      { key: 'components', header: 'Компоненты' },
      { key: 'nd', header: 'Клиентов с н/д: окно не покрыто', type: 'int' },
    ],
    rows: out,
    notes: [
      'Компонент — н/д, если данные выгрузки не покрывают всё его окно (ЛК и контакты с ЛПР — 3 месяца, вебинары — 6 месяцев, входы — 4 недели); перерыв между загрузками больше недели — пробел.',
    ],
  };
}

export const deviationsReport: ReportDefinition = {
  name: 'deviations',
  title: 'Фиксация отклонений',
  description: 'Фиксация отклонений: the weekly risk indicator per client and responsible employee',
  usage: 'report deviations [--week 2024-W23] [--department D] [--zone high|dynamic|none] [--limit N]',
  options: { week: { type: 'string' }, department: { type: 'string' }, zone: { type: 'string' }, limit: { type: 'string' } },
  forSpecialists: true,
  async build(app, values) {
    const week =
      weekOption(values) ??
      (await latestScoredWeek(app.pool)) ??
      shiftPeriod('isoweek', periodOf('isoweek', now(), app.config.ric.timeZone), -1);
    const zone = typeof values.zone === 'string' ? values.zone : null;
    if (zone !== null && !(ZONES as readonly string[]).includes(zone)) {
      throw new UsageError(`--zone: «${zone}» — допустимо одно из: ${ZONES.join(', ')}`);
    }
    const limitRaw = typeof values.limit === 'string' ? values.limit : null;
    const limit = limitRaw === null ? null : Number(limitRaw);
    if (limit !== null && (!Number.isInteger(limit) || limit < 1))
      throw new UsageError(`--limit: «${limitRaw}» — не целое число не меньше 1`);
    const department = typeof values.department === 'string' ? values.department : null;
    const rows = await listDeviations(app.pool, { week, department, zone: zone as (typeof ZONES)[number] | null, limit });
    periodRange('isoweek', week); // a week that does not exist is refused here
    const filters = [department ? `подразделение «${department}»` : null, zone ? `зона «${ZONE_NAMES[zone as Zone]}»` : null].filter(
      Boolean,
    );
    return {
      name: 'deviations',
      title: 'Фиксация отклонений',
      subtitle: `${app.config.ric.code}, ${periodName(week)}${filters.length ? `; ${filters.join(', ')}` : ''}`,
      charts: await deviationCharts(app, week, department),
      sections: [
        ...groupLeaving(rows, app.config.risk.indicatorSource),
        await coverageSection(app, rows),
        thresholdSection(
          app.config,
          await storedShareCounts(app.pool, week, department),
          `Категории — по клиентам, рассчитанным за ${periodName(week).replace('неделя', 'неделю')}; сигналы — условия, выполнявшиеся при последней проверке, по обслуживаемым клиентам. Пороги задаёт администратор в настройках службы.`,
        ),
      ],
    };
  },
};
