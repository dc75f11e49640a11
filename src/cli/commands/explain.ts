/**
 * `explain <client-number> [--week W]`: why a client scores what it scores — the components with
 * their reasons, the indicator and zone for the last 8 weeks, the categories, open tasks and
 * recent signals. A week not scored yet is computed on the spot (and not stored).
 */

import type { App } from '../../app.js';
import { now } from '../../clock.js';
import { type ClientCard, findClientCard } from '../../db/client-cards.js';
import { clientIndicatorSeries, clientRiskHistory, type RiskScoreRow } from '../../db/risk-scores.js';
import { listSignals } from '../../db/signals.js';
import { listTasks } from '../../db/tasks.js';
import { escapeLines } from '../../domain/clean-text.js';
import type { RiskConfig } from '../../domain/health-config.js';
import { ORIGIN_NAMES, sourceLabel } from '../../domain/indicator-source.js';
import { weekOption } from '../../domain/options.js';
import { periodOf, periodTitle, shiftPeriod } from '../../domain/periods.js';
import { CATEGORY_NAMES, type RiskCategory } from '../../domain/risk-categories.js';
import { COMPONENT_HEADERS, COMPONENTS } from '../../domain/risk-components.js';
import { scoreText, ZONE_NAMES, type Zone, zoneOf } from '../../domain/risk-model.js';
import { taskKindName } from '../../domain/task-kinds.js';
import { cardLines, signalTitle } from '../../health/alert-email.js';
import { componentLines } from '../../health/risk-tasks.js';
import { computeWeek } from '../../health/score-week.js';
import { formatTable } from '../../reports/render.js';
import { type Command, emit, UsageError } from '../command.js';

const HISTORY_WEEKS = 8;
const SIGNAL_DAYS = 90;

function parseNumber(raw: string | undefined): number {
  if (!raw || !/^\d{1,8}$/.test(raw)) throw new UsageError(`«${raw ?? ''}» — не номер клиента (например, 193254)`);
  return Number(raw);
}

/** The stored row of the week, or one computed now from the same data (not stored). */
async function weekRow(app: App, card: ClientCard, week: string): Promise<{ row: RiskScoreRow | null; computed: boolean }> {
  const [stored] = await clientRiskHistory(app.pool, card.id, week, 1);
  if (stored?.week === week) return { row: stored, computed: false };
  const { scope, scores } = await computeWeek(app, week, [card.id]);
  const s = scores[0];
  if (!s) return { row: null, computed: true };
  const c = s.components;
  return {
    computed: true,
    row: {
      client_id: card.id,
      week,
      week_end: scope.weekEnd,
      training: c.training.score,
      training_reason: c.training.reason,
      lk: c.lk.score,
      lk_reason: c.lk.reason,
      lpr_contact: c.lprContact.score,
      lpr_contact_reason: c.lprContact.reason,
      logins: c.logins.score,
      logins_reason: c.logins.reason,
      webinars: c.webinars.score,
      webinars_reason: c.webinars.reason,
      indicator: s.indicator,
      zone: s.zone,
      indicator_delta: s.delta,
      stale_components: s.stale,
      categories: s.categories,
      computed_at: now(),
      computed_indicator: s.computedIndicator,
      computed_zone: s.computedZone,
      crm_indicator: s.crmIndicator,
      indicator_source: s.source,
      computed_delta: s.computedDelta,
      crm_delta: s.crmDelta,
    },
  };
}

export async function explainClient(app: App, number: number, week: string | null) {
  const card = await findClientCard(app.pool, number);
  if (!card) throw new Error(`клиент ${number} не найден`);
  const tz = app.config.ric.timeZone;
  const w = week ?? card.week ?? shiftPeriod('isoweek', periodOf('isoweek', now(), tz), -1);
  const { row, computed } = await weekRow(app, card, w);
  const series = await clientIndicatorSeries(app.pool, card.id, w, HISTORY_WEEKS, app.config.risk.zones);
  // Weeks before the client's first value in either series are left out; gaps after it stay (н/д).
  const empty = (h: (typeof series)[number]) => h.computed.indicator === null && h.crm.indicator === null && h.acting.indicator === null;
  let keep = series.length;
  while (keep > 0 && empty(series[keep - 1] as (typeof series)[number])) keep--;
  const history = series.slice(0, keep);
  const openTasks = await listTasks(app.pool, { clientNumber: number, state: 'open' });
  const at = now();
  const signals = await listSignals(app.pool, { from: new Date(at.getTime() - SIGNAL_DAYS * 86_400_000), to: at, clientId: card.id });
  return {
    client: { number: card.number, name: card.name, card: Object.fromEntries(cardLines(card)), state: card.state },
    week: w,
    computedNow: computed,
    components: row ? componentLines(row).map((l) => ({ component: COMPONENT_HEADERS[l.key], score: l.score, reason: l.reason })) : [],
    indicator: row?.indicator ?? null,
    zone: row?.zone ?? null,
    /** Both values side by side, and which one the desk acts on (risk.indicatorSource). */
    computedIndicator: row?.computed_indicator ?? null,
    crmIndicator: row?.crm_indicator ?? null,
    source: row?.indicator_source ?? null,
    /** `КИС`, `churnguard`, or the fallback named (crm-first without the CRM's report of the week). */
    sourceText: row ? sourceLabel(row.indicator_source, app.config.risk.indicatorSource) : 'н/д',
    /** Changes within the acting series and within each series (null: no value the week before). */
    delta: row?.indicator_delta ?? null,
    computedDelta: row ? (computed ? row.computed_delta : (history[0]?.computed.delta ?? null)) : null,
    crmDelta: row ? (computed ? row.crm_delta : (history[0]?.crm.delta ?? null)) : null,
    categories: (row?.categories ?? []).map((c) => CATEGORY_NAMES[c as RiskCategory] ?? c),
    /** Both series, newest first, each with its own changes; and the value acted on. */
    history: history.map((h) => ({
      week: h.week,
      computed: h.computed.indicator,
      computedZone: h.computed.zone,
      computedDelta: h.computed.delta,
      crm: h.crm.indicator,
      crmZone: h.crm.zone,
      crmDelta: h.crm.delta,
      indicator: h.acting.indicator,
      zone: h.acting.zone,
      delta: h.acting.delta,
      source: h.acting.source === null ? null : sourceLabel(h.acting.source, app.config.risk.indicatorSource),
    })),
    openTasks: openTasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      // The rule behind a playbook's task (config `playbooks`).
      playbook: typeof t.payload?.playbook === 'string' ? t.payload.playbook : null,
      assignee: t.assignee_name,
      due: t.due_at,
      title: t.title,
    })),
    signals: signals.map((s) => ({
      id: s.id,
      detected: s.detected_at,
      kind: signalTitle(s.kind),
      summary: s.summary,
      emailed: s.emailed_at,
      acknowledged: s.acknowledged_at,
      escalated: s.escalated_at,
    })),
  };
}

type Explanation = Awaited<ReturnType<typeof explainClient>>;

function human(e: Explanation, tz: string, zones: RiskConfig['zones']): string {
  const zone = (z: string | null) => (z ? ZONE_NAMES[z as Zone] : 'н/д');
  const out = [`${String(e.client.number).padStart(6, '0')} - ${e.client.name}`];
  for (const [k, v] of Object.entries(e.client.card).slice(1)) out.push(`  ${k}: ${v}`);
  out.push('', `${periodTitle(e.week)}${e.computedNow ? ' (не рассчитывалась; рассчитано сейчас, не сохранено)' : ''}:`);
  if (!e.components.length) out.push('  клиент не обслуживается в этой неделе');
  const width = Math.max(...COMPONENTS.map((k) => COMPONENT_HEADERS[k].length));
  for (const c of e.components) out.push(`  ${c.component.padEnd(width)}  ${scoreText(c.score).padStart(4)}  ${c.reason}`);
  if (e.components.length) {
    // A change only within one series; «н/д» where that series has no value the week before.
    const delta = (d: number | null) => `, за неделю ${d === null ? 'н/д' : `${d > 0 ? '+' : ''}${scoreText(d)}`}`;
    out.push(
      `  ${'Индикатор (-)'.padEnd(width)}  ${scoreText(e.indicator).padStart(4)}  ${zone(e.zone)}${delta(e.delta)} (${e.sourceText})`,
    );
    out.push(
      `  ${'  churnguard'.padEnd(width)}  ${scoreText(e.computedIndicator).padStart(4)}  ${zone(zoneOf(e.computedIndicator, zones))}${delta(e.computedDelta)}`,
      `  ${'  КИС'.padEnd(width)}  ${scoreText(e.crmIndicator).padStart(4)}  ${e.crmIndicator === null ? 'отчёт КИС за неделю не загружен' : `${zone(zoneOf(e.crmIndicator, zones))}${delta(e.crmDelta)}`}`,
      `  Источник: ${e.source === 'crm' ? ORIGIN_NAMES.crm : e.sourceText}`,
    );
  }
  out.push(`Категории: ${e.categories.join(', ') || 'нет'}`, '', `Последние ${HISTORY_WEEKS} недель (два ряда, изменения внутри каждого):`);
  out.push(
    e.history.length
      ? formatTable(
          [
            { key: 'week', header: 'Неделя' },
            { key: 'computed', header: 'churnguard', type: 'score' },
            { key: 'computedZone', header: 'Зона' },
            { key: 'computedDelta', header: 'Изменение', type: 'score' },
            { key: 'crm', header: 'КИС', type: 'score' },
            { key: 'crmZone', header: 'Зона КИС' },
            { key: 'crmDelta', header: 'Изменение КИС', type: 'score' },
            { key: 'source', header: 'Действует' },
          ],
          e.history.map((h) => ({
            ...h,
            computed: h.computed ?? 'н/д',
            computedZone: h.computed === null ? 'н/д' : zone(h.computedZone),
            computedDelta: h.computedDelta ?? 'н/д',
            crm: h.crm ?? 'н/д',
            crmZone: h.crm === null ? 'н/д' : zone(h.crmZone),
            crmDelta: h.crmDelta ?? 'н/д',
            source: h.source ?? 'н/д',
          })),
          tz,
        )
      : '(нет расчётов)',
  );
  out.push('', 'Открытые задачи:');
  out.push(
    e.openTasks.length
      ? formatTable(
          [
            { key: 'id', header: '№', type: 'int' },
            { key: 'kindName', header: 'Вид' },
            { key: 'playbook', header: 'Правило' },
            { key: 'assignee', header: 'Исполнитель' },
            { key: 'due', header: 'Срок', type: 'datetime' },
            { key: 'title', header: 'Цель' },
          ],
          e.openTasks.map((t) => ({ ...t, kindName: taskKindName(t.kind) })),
          tz,
        )
      : '(нет)',
  );
  out.push('', `Сигналы за ${SIGNAL_DAYS} дней:`);
  out.push(
    e.signals.length
      ? formatTable(
          [
            { key: 'id', header: '№', type: 'int' },
            { key: 'detected', header: 'Обнаружен', type: 'datetime' },
            { key: 'kind', header: 'Сигнал' },
            { key: 'summary', header: 'Суть' },
            { key: 'emailed', header: 'Письмо', type: 'datetime' },
            { key: 'acknowledged', header: 'Подтверждён', type: 'datetime' },
          ],
          e.signals,
          tz,
        )
      : '(нет)',
  );
  return `${out.join('\n')}\n`;
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'почему у клиента такой индикатор: составляющие с причинами, индикатор и зона по неделям, категории, открытые задачи, сигналы',
  usage: 'explain <client-number> [--week 2024-W23] [--json]',
  options: { week: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [raw]) {
    const number = parseNumber(raw);
    const week = weekOption(values);
    const e = await explainClient(ctx.app(), number, week);
    // Names and reasons come from the CRM: a bidi override or an escape sequence is shown escaped, never sent raw.
    emit(ctx, e, () => escapeLines(human(e, ctx.config.ric.timeZone, ctx.config.risk.zones)));
    return 0;
  },
};
