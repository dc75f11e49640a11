/**
 * «Качество индикатора»: does the indicator predict disconnection? For every scored week of the
 * range, the clients who disconnected within the horizon after it (the state-change history);
 * per zone how many client-weeks were scored and how many left; the precision and recall of
 * the high zone; the ROC AUC of churnguard's indicator, of each component alone and of the
 * CRM's indicator where imported. `--weights a,b,c,d,e` evaluates other weights on the same
 * history (nothing is changed): how the desk tunes `risk.weights` on its own data.
 */

import { type QualityGroup, qualityGroups, scoredWeekRange } from '../db/indicator-quality.js';
import type { RiskConfig } from '../domain/health-config.js';
import { int, UsageError, weekOption } from '../domain/options.js';
import { weekRangeName } from '../domain/periods.js';
import { COMPONENT_NAMES, COMPONENTS, type ComponentKey } from '../domain/risk-components.js';
import { indicatorOf, scoreText, ZONE_NAMES, type Zone, zoneOf } from '../domain/risk-model.js';
import { aucOf, precisionRecall, type ScoreBin } from '../domain/roc.js';
import type { HBarsChart } from './charts/types.js';
import type { ReportDefinition, ReportRow } from './types.js';

const ZONES: readonly Zone[] = ['high', 'dynamic', 'none'];
const COLUMN: Record<ComponentKey, keyof QualityGroup> = {
  training: 'training',
  lk: 'lk',
  lprContact: 'lpr_contact',
  logins: 'logins',
  webinars: 'webinars',
};

export type Weights = RiskConfig['weights'];

/** `1,1,2,1,0.5` → weights in the components' order; an error names what is wrong. */
export function parseWeights(raw: string): Weights {
  const parts = raw.split(',').map((s) => s.trim());
  const nums = parts.map((s) => Number(s.replace(/^(\d+),(\d+)$/, '$1.$2')));
  if (
    parts.length !== COMPONENTS.length ||
    nums.some((n, i) => parts[i] === '' || !Number.isFinite(n) || n < 0) ||
    nums.every((n) => n === 0)
  ) {
    throw new UsageError(
      `--weights: «${raw}» — не ${COMPONENTS.length} неотрицательных чисел, не все нули (например, 1,1,2,1,1 для ${COMPONENTS.join(', ')})`,
    );
  }
  return Object.fromEntries(COMPONENTS.map((k, i) => [k, nums[i]])) as Weights;
}

export interface MeasureQuality {
  /** Client-weeks with a value, and how many of them left within the horizon. */
  scored: number;
  left: number;
  auc: number | null;
  zones?: Record<Zone, { scored: number; left: number }>;
  high?: ReturnType<typeof precisionRecall>;
}

/** The figures of one score (a value per group, null = not scored), zones when `zones` is given. */
export function measure(
  groups: readonly QualityGroup[],
  value: (g: QualityGroup) => number | null,
  zones?: RiskConfig['zones'],
): MeasureQuality {
  const bins: ScoreBin[] = [];
  const byZone = { high: { scored: 0, left: 0 }, dynamic: { scored: 0, left: 0 }, none: { scored: 0, left: 0 } };
  let scored = 0;
  let left = 0;
  for (const g of groups) {
    const v = value(g);
    if (v === null) continue;
    bins.push({ value: v, left: g.left ? g.n : 0, stayed: g.left ? 0 : g.n });
    scored += g.n;
    if (g.left) left += g.n;
    if (zones) {
      const z = zoneOf(v, zones) as Zone;
      byZone[z].scored += g.n;
      if (g.left) byZone[z].left += g.n;
    }
  }
  const out: MeasureQuality = { scored, left, auc: aucOf(bins) };
  if (zones) {
    out.zones = byZone;
    out.high = precisionRecall(byZone.high.scored, byZone.high.left, left);
  }
  return out;
}

export interface QualityFigures {
  fromWeek: string;
  toWeek: string;
  horizonWeeks: number;
  computed: MeasureQuality;
  crm: MeasureQuality;
  weighted: MeasureQuality | null;
  weights: Weights | null;
  components: Record<ComponentKey, MeasureQuality>;
}

export function qualityFigures(
  groups: readonly QualityGroup[],
  range: { fromWeek: string; toWeek: string; horizonWeeks: number },
  zones: RiskConfig['zones'],
  weights: Weights | null,
): QualityFigures {
  const components = Object.fromEntries(COMPONENTS.map((k) => [k, measure(groups, (g) => g[COLUMN[k]] as number | null)])) as Record<
    ComponentKey,
    MeasureQuality
  >;
  const weighted = weights
    ? measure(
        groups,
        (g) =>
          indicatorOf(
            Object.fromEntries(COMPONENTS.map((k) => [k, { score: g[COLUMN[k]] as number | null, reason: '' }])) as Parameters<
              typeof indicatorOf
            >[0],
            weights,
          ),
        zones,
      )
    : null;
  return {
    ...range,
    computed: measure(groups, (g) => g.computed, zones),
    crm: measure(groups, (g) => g.crm, zones),
    weighted,
    weights,
    components,
  };
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 1000) / 1000);

export const indicatorQualityReport: ReportDefinition = {
  name: 'indicator-quality',
  title: 'Качество индикатора: предсказание отключений',
  description: 'Качество индикатора: does the indicator predict disconnection (zones, precision/recall of high, ROC AUC)',
  usage: 'report indicator-quality [--horizon 13] [--from 2024-W01 --to 2024-W26] [--weights a,b,c,d,e]',
  options: { horizon: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, weights: { type: 'string' } },
  async build(app, values) {
    const horizonWeeks = int(values, 'horizon', { min: 1, max: 104 }) ?? 13;
    const weights = typeof values.weights === 'string' ? parseWeights(values.weights) : null;
    const range = await scoredWeekRange(app.pool);
    const fromWeek = weekOption(values, 'from') ?? range?.first ?? null;
    const toWeek = weekOption(values, 'to') ?? range?.last ?? null;
    const title = 'Качество индикатора: прогноз отключений';
    if (fromWeek === null || toWeek === null) {
      return { name: 'indicator-quality', title, subtitle: `${app.config.ric.code}: нет рассчитанных недель`, sections: [] };
    }
    if (toWeek < fromWeek) throw new UsageError(`--to: ${toWeek} раньше --from ${fromWeek}`);
    const zones = app.config.risk.zones;
    const f = qualityFigures(
      await qualityGroups(app.pool, { fromWeek, toWeek, horizonWeeks }),
      { fromWeek, toWeek, horizonWeeks },
      zones,
      weights,
    );
    const named: [string, MeasureQuality][] = [['Индикатор churnguard', f.computed]];
    if (f.crm.scored > 0) named.push(['Индикатор КИС', f.crm]);
    if (f.weighted && weights) named.push([`Индикатор с весами ${COMPONENTS.map((k) => weights[k]).join(', ')}`, f.weighted]);
    const zoneRows: ReportRow[] = [];
    for (const [name, m] of named) {
      for (const z of ZONES) {
        const c = m.zones?.[z] ?? { scored: 0, left: 0 };
        zoneRows.push({ measure: name, zone: ZONE_NAMES[z], scored: c.scored, left: c.left, share: c.scored ? c.left / c.scored : null });
      }
    }
    const aucRows: ReportRow[] = [
      ...named.map(([name, m]) => ({
        measure: name,
        auc: pct(m.auc),
        precision: pct(m.high?.precision),
        recall: pct(m.high?.recall),
        scored: m.scored,
        left: m.left,
      })),
      ...COMPONENTS.map((k) => ({
        measure: `Показатель «${COMPONENT_NAMES[k]}»`,
        auc: pct(f.components[k].auc),
        precision: null,
        recall: null,
        scored: f.components[k].scored,
        left: f.components[k].left,
      })),
    ];
    const chart: HBarsChart = {
      kind: 'hbars',
      title: 'ROC AUC: насколько индикатор и каждый показатель отличают ушедших клиентов (0,5 — не лучше случая)',
      items: aucRows
        .filter((r) => r.auc !== null)
        .map((r) => ({ label: String(r.measure), value: r.auc as number, note: scoreText(r.auc as number) })),
      valueTitle: 'ROC AUC',
      format: 'score',
      max: 1,
      color: 'blue',
    };
    return {
      name: 'indicator-quality',
      title,
      subtitle: `${app.config.ric.code}, ${fromWeek === null ? 'нет рассчитанных недель' : weekRangeName(fromWeek, toWeek ?? fromWeek)}, горизонт ${horizonWeeks} нед.${weights ? '; проверка других весов, ничего не изменено' : ''}`,
      charts: chart.items.length ? [chart] : [],
      sections: [
        {
          title: 'Клиенты по зонам и отключения в горизонте',
          columns: [
            { key: 'measure', header: 'Индикатор' },
            { key: 'zone', header: 'Зона' },
            { key: 'scored', header: 'Оценок (клиенто-недель)', type: 'int' },
            { key: 'left', header: 'Отключились', type: 'int' },
            { key: 'share', header: 'Доля отключившихся', type: 'percent' },
          ],
          rows: zoneRows,
          totals: {
            measure: 'Итого (индикатор churnguard)',
            scored: f.computed.scored,
            left: f.computed.left,
            share: f.computed.scored ? f.computed.left / f.computed.scored : null,
          },
        },
        {
          title: 'Качество прогноза',
          columns: [
            { key: 'measure', header: 'Индикатор / показатель' },
            { key: 'auc', header: 'ROC AUC', type: 'number' },
            { key: 'precision', header: 'Точность зоны высокого риска', type: 'percent' },
            { key: 'recall', header: 'Полнота зоны высокого риска', type: 'percent' },
            { key: 'scored', header: 'Оценок', type: 'int' },
            { key: 'left', header: 'Отключились', type: 'int' },
          ],
          rows: aucRows,
          totals: { measure: `Итого: (${f.computed.scored}) клиенто-недель, отключились ${f.computed.left}` },
          notes: [
            'ROC AUC — вероятность того, что у отключившегося клиента значение выше, чем у оставшегося (0,5 — не лучше случая, 1 — идеально).',
            'Точность — доля отключившихся среди клиентов зоны высокого риска; полнота — доля отключившихся, которых зона высокого риска заранее назвала.',
          ],
        },
      ],
    };
  },
};
