/**
 * «Согласие индикаторов КИС и churnguard»: for each week that has both the CRM's «Фиксация
 * отклонений» and churnguard's own score, a 3×3 table of zones (CRM × churnguard), the share
 * of clients in the same zone, and with `--disagreements` only the clients whose zones differ,
 * with both values and the components where they differ. The chart of the share over the weeks
 * tells the desk whether to trust churnguard's value where the CRM's report is missing.
 */

import { type AgreementCell, agreementCells, type Disagreement, disagreements, latestAgreementWeek } from '../db/crm-deviations.js';
import { int, weekOption } from '../domain/options.js';
import { periodName, periodRange, periodTitle, shiftPeriod, weekRangeName } from '../domain/periods.js';
import { COMPONENT_NAMES, type ComponentKey } from '../domain/risk-components.js';
import { scoreText, ZONE_NAMES, type Zone } from '../domain/risk-model.js';
import { clientLabel } from '../health/alert-email.js';
import type { LinesChart } from './charts/types.js';
import type { ReportDefinition, ReportSection } from './types.js';

const ZONES: readonly Zone[] = ['high', 'dynamic', 'none'];
const CHART_WEEKS = 12;
const COLUMN: Record<ComponentKey, keyof Disagreement['crm']> = {
  training: 'training',
  lk: 'lk',
  lprContact: 'lpr_contact',
  logins: 'logins',
  webinars: 'webinars',
};

export interface WeekAgreement {
  week: string;
  clients: number;
  agree: number;
  /** matrix[crm][computed] */
  matrix: Record<Zone, Record<Zone, number>>;
}

/** The 3×3 tables per week, from the grouped counts. */
export function agreementByWeek(cells: readonly AgreementCell[]): WeekAgreement[] {
  const out = new Map<string, WeekAgreement>();
  for (const c of cells) {
    let w = out.get(c.week);
    if (!w) {
      const row = () => ({ high: 0, dynamic: 0, none: 0 });
      w = { week: c.week, clients: 0, agree: 0, matrix: { high: row(), dynamic: row(), none: row() } };
      out.set(c.week, w);
    }
    w.matrix[c.crm_zone][c.computed_zone] += c.n;
    w.clients += c.n;
    if (c.crm_zone === c.computed_zone) w.agree += c.n;
  }
  return [...out.values()].sort((a, b) => (a.week < b.week ? -1 : 1));
}

/** `Контакт с ЛПР: КИС 0,50, churnguard 0,20; …` — the components whose values differ. */
export function differingComponents(d: Disagreement): string {
  const parts: string[] = [];
  for (const k of Object.keys(COLUMN) as ComponentKey[]) {
    const a = d.crm[COLUMN[k]];
    const b = d.computed[COLUMN[k]];
    if (a !== b) parts.push(`${COMPONENT_NAMES[k]}: КИС ${scoreText(a)}, churnguard ${scoreText(b)}`);
  }
  return parts.join('; ') || 'показатели совпадают, различается расчёт индикатора';
}

function matrixColumns(): ReportSection['columns'] {
  return [
    { key: 'crm', header: 'КИС \\ churnguard' },
    ...ZONES.map((z) => ({ key: z, header: ZONE_NAMES[z], type: 'int' as const })),
    { key: 'total', header: 'Итого', type: 'int' },
  ];
}

function percent(agree: number, clients: number): string {
  return clients ? `${Math.round((agree / clients) * 1000) / 10} %`.replace('.', ',') : '—';
}

export const indicatorAgreementReport: ReportDefinition = {
  name: 'indicator-agreement',
  title: 'Согласие индикаторов КИС и churnguard',
  description: "Согласие индикаторов: zones of the CRM's «Фиксация отклонений» × churnguard's own, per week",
  usage: 'report indicator-agreement [--week 2024-W27] [--weeks N] [--disagreements]',
  options: { week: { type: 'string' }, weeks: { type: 'string' }, disagreements: { type: 'boolean' } },
  async build(app, values) {
    const zones = app.config.risk.zones;
    const given = weekOption(values);
    const n = int(values, 'weeks', { min: 1, max: 260 });
    const last = given ?? (await latestAgreementWeek(app.pool, null));
    const title = 'Согласие индикаторов КИС и churnguard';
    if (last === null) {
      return {
        name: 'indicator-agreement',
        title,
        subtitle: `${app.config.ric.code}: нет недель с обоими индикаторами (загрузите отчёт КИС: admin import deviations ФАЙЛ)`,
        sections: [{ title: 'Нет недель с обоими индикаторами', columns: matrixColumns(), rows: [], totals: { crm: 'Итого: (0)' } }],
      };
    }
    const weeks = n ?? 1;
    const first = shiftPeriod('isoweek', last, -(weeks - 1));
    const cells = await agreementCells(app.pool, shiftPeriod('isoweek', last, -(Math.max(weeks, CHART_WEEKS) - 1)), last, zones);
    const all = agreementByWeek(cells);
    const shown = all.filter((w) => w.week >= first);
    const sections: ReportSection[] = [];
    if (values.disagreements === true) {
      const list = await disagreements(app.pool, first, last, zones);
      sections.push({
        title: 'Клиенты, у которых зоны расходятся',
        columns: [
          { key: 'week', header: 'Неделя' },
          { key: 'description', header: 'Описание' },
          { key: 'crm', header: 'Индикатор КИС', type: 'score' },
          { key: 'crmZone', header: 'Зона КИС' },
          { key: 'computed', header: 'Индикатор churnguard', type: 'score' },
          { key: 'computedZone', header: 'Зона churnguard' },
          { key: 'components', header: 'Где расходятся показатели' },
        ],
        rows: list.map((d) => ({
          week: periodName(d.week),
          description: clientLabel(d),
          crm: d.crm_indicator,
          crmZone: ZONE_NAMES[d.crm_zone as Zone],
          computed: d.computed_indicator,
          computedZone: ZONE_NAMES[d.computed_zone as Zone],
          components: differingComponents(d),
        })),
        totals: { week: `Итого: (${list.length})` },
      });
    } else {
      if (!shown.length)
        sections.push({ title: `${periodTitle(last)}: нет данных`, columns: matrixColumns(), rows: [], totals: { crm: 'Итого: (0)' } });
      for (const w of [...shown].reverse()) {
        sections.push({
          title: `${periodTitle(w.week)}: зона по КИС × зона по churnguard`,
          columns: matrixColumns(),
          rows: ZONES.map((z) => ({ crm: ZONE_NAMES[z], ...w.matrix[z], total: ZONES.reduce((s, c) => s + w.matrix[z][c], 0) })),
          totals: {
            crm: 'Итого',
            ...Object.fromEntries(ZONES.map((c) => [c, ZONES.reduce((s, z) => s + w.matrix[z][c], 0)])),
            total: w.clients,
          },
          notes: [`Зоны совпадают у ${w.agree} из ${w.clients} клиентов (${percent(w.agree, w.clients)}).`],
        });
      }
    }
    const chart: LinesChart = {
      kind: 'lines',
      title: 'Доля клиентов, у которых зона по КИС и по churnguard совпадает',
      categories: all.map((w) => {
        const s = periodRange('isoweek', w.week).start;
        return `${s.slice(8, 10)}.${s.slice(5, 7)}`;
      }),
      series: [{ name: 'Совпадают', color: 'blue', values: all.map((w) => (w.clients ? w.agree / w.clients : null)) }],
      xTitle: 'Неделя (с понедельника)',
      yTitle: 'Доля клиентов',
      format: 'percent',
      yMax: 1,
    };
    return {
      name: 'indicator-agreement',
      title,
      subtitle: `${app.config.ric.code}, ${weeks === 1 ? periodName(last) : weekRangeName(first, last)}${values.disagreements === true ? '; только расхождения' : ''}`,
      charts: all.length ? [chart] : [],
      sections,
    };
  },
};
