/**
 * Thresholds that are the desk's, not ours: every high-risk category and worsening signal with
 * its threshold as configured, the config key that sets it, what it rests on (the source's rule
 * or our reason), and the share of clients it covers — so a head who sees 47 % can tune it.
 * Shown by `report deviations` (categories of the week, signals holding at the last scan),
 * `report signals --baseline` and `seed-demo`.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import type { AppConfig } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { periodOf, shiftPeriod } from '../domain/periods.js';
import { CATEGORY_NAMES, type RiskCategory } from '../domain/risk-categories.js';
import { scoreText } from '../domain/risk-model.js';
import { SIGNAL_TITLES, type SignalKind } from '../domain/signal-kinds.js';
import { detectAll } from '../health/scan-signals.js';
import { computeWeek } from '../health/score-week.js';
import type { ReportSection } from './types.js';

export interface ThresholdRule {
  key: RiskCategory | SignalKind;
  kind: 'category' | 'signal';
  /** The config keys that set it (`risk.categories.lowActivityWeeks`, …). */
  config: string;
  /** The threshold in the desk's words, with the configured values. */
  threshold(cfg: AppConfig): string;
  /** What it rests on: the source's rule, or our reason where the source gives no figure. */
  basis: string;
}

const pct = (share: number) => `${Math.round(share * 100)} %`;

export const THRESHOLD_RULES: readonly ThresholdRule[] = [
  {
    key: 'new',
    kind: 'category',
    config: 'risk.categories.newMonths, risk.categories.advanceEndingDays',
    threshold: (c) =>
      `подключён менее ${c.risk.categories.newMonths} мес. назад или первичный аванс кончается в ближайшие ${c.risk.categories.advanceEndingDays} дн.`,
    basis: 'источник: «Новые клиенты (особенно с коротким первичным авансом)»; сроки — наше решение, в источнике чисел нет',
  },
  {
    key: 'double',
    kind: 'category',
    config: 'признак КИС',
    threshold: () => 'признак «двойной» в выгрузке клиентов',
    basis: 'источник: «Двойные» клиенты; признак ставит КИС',
  },
  {
    key: 'red_zone',
    kind: 'category',
    config: 'risk.zones.highFrom',
    threshold: (c) => `индикатор ${scoreText(c.risk.zones.highFrom)} и выше две недели подряд (в одном ряду индикатора)`,
    basis: 'источник: «0,34 и выше – клиенты с высоким риском»; «две недели подряд» — наше прочтение красной зоны',
  },
  {
    key: 'low_activity',
    kind: 'category',
    config: 'risk.categories.lowActivityWeeks, lowActivityBaselineWeeks, lowActivityDropShare',
    threshold: (c) =>
      `нет входов ${c.risk.categories.lowActivityWeeks} нед. или входов в неделю меньше на ${pct(c.risk.categories.lowActivityDropShare)} и более, чем за ${c.risk.categories.lowActivityBaselineWeeks} нед. до них`,
    basis: 'источник: «Низкая активность»; пороги — наше решение (источник их не задаёт)',
  },
  {
    key: 'retention',
    kind: 'category',
    config: 'признак КИС',
    threshold: () => 'признак «на удержании» в выгрузке клиентов',
    basis: 'источник: «На удержании с высокой потребностью»; признак ставит КИС',
  },
  {
    key: 'payment_decline',
    kind: 'signal',
    config: 'signals.paymentDecline.debtGrowthMonths, feeCutShare',
    threshold: (c) =>
      `долг растёт ${c.signals.paymentDecline.debtGrowthMonths} мес. подряд или начисления снижены на ${pct(c.signals.paymentDecline.feeCutShare)} и более`,
    basis: 'источник: «Снижение платежеспособности»; пороги — наше решение',
  },
  {
    key: 'no_key_contact',
    kind: 'signal',
    config: 'signals.noKeyContactDays',
    threshold: (c) => `нет состоявшегося контакта с ключевым пользователем, ЛПР или ЛВПР ${c.signals.noKeyContactDays} дн.`,
    basis: 'источник: «Отсутствие контакта с ключевым пользователем, ЛПР, ЛВПР»; срок — наше решение (контакт с ЛПР — ежемесячно)',
  },
  {
    key: 'calls_without_login',
    kind: 'signal',
    config: 'signals.callsWithoutLogin.calls, recentDays',
    threshold: (c) =>
      `${c.signals.callsWithoutLogin.calls} состоявшихся звонка подряд без входа в систему, последний не старше ${c.signals.callsWithoutLogin.recentDays} дн.`,
    basis: 'источник: «Не заходит в систему при плановом звонке»; число звонков — наше решение',
  },
  {
    key: 'activity_drop',
    kind: 'signal',
    config: 'signals.activityDrop.*',
    threshold: (c) =>
      `входов в неделю меньше на ${pct(c.signals.activityDrop.dropShare)} и более, чем за ${c.signals.activityDrop.baselineWeeks} нед. до этого (при базе от ${c.signals.activityDrop.minBaselineLogins} входа в неделю), или ${c.signals.activityDrop.zeroWeeks} нед. без входов после активности`,
    basis: 'источник: «Отсутствие/снижение активности онлайн-комплекта»; пороги — наше решение',
  },
  {
    key: 'services_unused',
    kind: 'signal',
    config: 'signals.unusedServicesMonths',
    threshold: (c) => `${c.signals.unusedServicesMonths} мес. без вебинаров, обучения, обращений на ГЛ и в ЛК`,
    basis: 'источник: «Не пользуется сервисами (вебинары, курсы, ГЛ, ЛК)»; 6 мес. — окно вебинаров источника',
  },
  {
    key: 'key_person_change',
    kind: 'signal',
    config: 'signals.keyPersonChangeDays',
    threshold: (c) => `смена ключевого пользователя, ЛПР или ЛВПР за последние ${c.signals.keyPersonChangeDays} дн.`,
    basis: 'источник: «Смена ключевого пользователя, ЛПР, ЛВПР»',
  },
  {
    key: 'reorganization',
    kind: 'signal',
    config: 'состояние КИС',
    threshold: () => 'состояние клиента «Реорганизация»',
    basis: 'источник: «Реорганизация»',
  },
  {
    key: 'liquidation',
    kind: 'signal',
    config: 'состояние КИС',
    threshold: () => 'состояние клиента «Ликвидация»',
    basis: 'источник: «Ликвидация»',
  },
];

export const THRESHOLDS_TITLE = 'Пороги категорий и сигналов: доля клиентов';

export interface ShareCounts {
  /** Clients each category or signal covers now. */
  covered: Partial<Record<string, number>>;
  /** Clients the categories are counted over (scored), and the signals (served). */
  categoryBase: number;
  signalBase: number;
}

/** The section: one row per rule, with its clients and share. */
export function thresholdSection(cfg: AppConfig, counts: ShareCounts, note: string): ReportSection {
  return {
    title: THRESHOLDS_TITLE,
    columns: [
      { key: 'rule', header: 'Категория или сигнал' },
      { key: 'kind', header: 'Вид' },
      { key: 'threshold', header: 'Порог' },
      // The configuration key stays in the rows (JSON, for the administrator); people read the rule.
      { key: 'basis', header: 'Основание' },
      { key: 'clients', header: 'Клиентов', type: 'int' },
      { key: 'share', header: 'Доля клиентов', type: 'percent' },
    ],
    rows: THRESHOLD_RULES.map((r) => {
      const n = counts.covered[r.key] ?? 0;
      const base = r.kind === 'category' ? counts.categoryBase : counts.signalBase;
      return {
        rule: r.kind === 'category' ? CATEGORY_NAMES[r.key as RiskCategory] : SIGNAL_TITLES[r.key as SignalKind],
        kind: r.kind === 'category' ? 'категория' : 'сигнал',
        threshold: r.threshold(cfg),
        config: r.config,
        basis: r.basis,
        clients: n,
        share: base > 0 ? n / base : null,
      };
    }),
    notes: [note],
  };
}

/**
 * Counts from the stored data: the categories of the week's scores (over the clients scored that
 * week), the signals whose condition held at the last scan (`signal_conditions`, over the clients
 * served now).
 */
export async function storedShareCounts(db: Queryable, week: string, department: string | null = null): Promise<ShareCounts> {
  // A department (as `report deviations --department` names it) limits every count to the clients
  // whose remote or field specialist works there, as the report's rows are limited.
  const { rows } = await db.query<{ key: string; n: number }>(
    `WITH dept AS (
       SELECT c.id FROM clients c
         JOIN employees e ON e.id IN (c.remote_specialist_id, c.field_specialist_id)
         JOIN departments d ON d.id = e.department_id
        WHERE d.name ILIKE '%' || $2 || '%'
     ),
     rs AS (SELECT * FROM risk_scores WHERE week = $1 AND ($2::text IS NULL OR client_id IN (SELECT id FROM dept))),
     sc AS (SELECT * FROM signal_conditions WHERE $2::text IS NULL OR client_id IN (SELECT id FROM dept)),
     sv AS (SELECT * FROM served_clients WHERE $2::text IS NULL OR id IN (SELECT id FROM dept))
     SELECT c AS key, count(DISTINCT rs.client_id)::int AS n FROM rs, unnest(rs.categories) c GROUP BY c
     UNION ALL
     SELECT kind, count(DISTINCT client_id)::int FROM sc GROUP BY kind
     UNION ALL
     SELECT '#scored', count(*)::int FROM rs
     UNION ALL
     SELECT '#served', count(*)::int FROM sv`,
    [week, department],
  );
  const covered: Record<string, number> = {};
  for (const r of rows) covered[r.key] = r.n;
  return { covered, categoryBase: covered['#scored'] ?? 0, signalBase: covered['#served'] ?? 0 };
}

/**
 * Counts computed now, without writing anything (seed-demo, before any scoring or scan has run):
 * the categories of the last complete week as the risk model gives them, and the signals whose
 * rules hold now.
 */
export async function liveShareCounts(app: App): Promise<ShareCounts & { week: string }> {
  const week = shiftPeriod('isoweek', periodOf('isoweek', now(), app.config.ric.timeZone), -1);
  const { scores } = await computeWeek(app, week);
  const detection = await detectAll(app);
  const sets = new Map<string, Set<number>>();
  const add = (key: string, client: number) => {
    const set = sets.get(key) ?? new Set<number>();
    set.add(client);
    sets.set(key, set);
  };
  for (const s of scores) for (const c of s.categories) add(c, s.clientId);
  for (const s of detection.signals) add(s.kind, s.clientId);
  return {
    week,
    covered: Object.fromEntries([...sets].map(([k, v]) => [k, v.size])),
    categoryBase: scores.length,
    signalBase: detection.clients,
  };
}

/** One line per rule: `Низкая активность: 29 из 296 (10 %)` — for the admin script's output. */
export function shareLines(counts: ShareCounts): string[] {
  return THRESHOLD_RULES.map((r) => {
    const n = counts.covered[r.key] ?? 0;
    const base = r.kind === 'category' ? counts.categoryBase : counts.signalBase;
    const name =
      r.kind === 'category' ? `категория «${CATEGORY_NAMES[r.key as RiskCategory]}»` : `сигнал «${SIGNAL_TITLES[r.key as SignalKind]}»`;
    return `${name}: ${n} из ${base} (${base > 0 ? pct(n / base) : 'н/д'})`;
  });
}
