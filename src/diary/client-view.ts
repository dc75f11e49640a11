/**
 * The client's card for one signed-in employee: who may see it (the department-scope rule of
 * src/db/scope.ts, as for the reports), and everything the page shows — the card, 26 weeks of the indicator, the
 * latest week's components as `explain` gives them, the contact persons, the open work and a
 * page of the timeline. A client out of the user's scope is null, whether it exists or not.
 */
import type { App } from '../app.js';
import { now } from '../clock.js';
import { type ClientCard, findClientCard } from '../db/client-cards.js';
import {
  type CardContact,
  cardContacts,
  clientTimeline,
  lastStateChange,
  type OpenTask,
  type OpenVisit,
  openClientTasks,
  openClientVisits,
  TIMELINE_KINDS,
  type TimelineKind,
  type TimelineRow,
} from '../db/client-story.js';
import type { DiaryUser } from '../db/diary-auth.js';
import { clientIndicatorSeries, clientRiskHistory, type IndicatorSeriesWeek, type RiskScoreRow } from '../db/risk-scores.js';
import { type Scope, scopedClientByNumber } from '../db/scope.js';
import { loadSourceCoverage } from '../db/source-times.js';
import { componentCoverageText } from '../domain/coverage.js';
import { periodOf, shiftPeriod } from '../domain/periods.js';
import { COMPONENTS, type ComponentKey } from '../domain/risk-components.js';
import { dmy } from '../domain/ru-dates.js';
import { taskAccess } from './view.js';

/** Weeks of the indicator chart. */
export const CHART_WEEKS = 26;
/** Timeline items per page («показать ещё» opens the next). */
export const TIMELINE_PAGE = 50;

export interface ClientPageQuery {
  kinds: readonly TimelineKind[];
  /** 1-based page of the timeline. */
  page: number;
}

export interface ClientPageView {
  card: ClientCard;
  stateChange: { changed_on: string; from_state: string | null } | null;
  /** Both indicator series over the chart's weeks, oldest first (every week, null where none). */
  weeks: IndicatorSeriesWeek[];
  /** The latest scored week, with the components and reasons. */
  latest: RiskScoreRow | null;
  /** Per component of the latest week: whether its source's imports cover its window («Покрытие данных»). */
  coverage: Partial<Record<ComponentKey, string>>;
  contacts: CardContact[];
  /** Open tasks, each with whether the user may open its page. */
  open: (OpenTask & { linked: boolean })[];
  /** The open visits («Контакт с клиентом») the planner made of the open tasks. */
  visits: OpenVisit[];
  timeline: TimelineRow[];
  more: boolean;
  query: ClientPageQuery;
}

/** Every kind when none is chosen. */
export function timelineQuery(kinds: readonly string[], page: number): ClientPageQuery {
  const chosen = TIMELINE_KINDS.filter((k) => kinds.includes(k));
  return { kinds: chosen.length ? chosen : [...TIMELINE_KINDS], page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1 };
}

export async function loadClientPage(
  app: App,
  user: DiaryUser,
  scope: Scope,
  number: number,
  query: ClientPageQuery,
): Promise<ClientPageView | null> {
  // The scope's answer and the card side by side; nothing of the card is used unless the scope sees it.
  const [client, card] = await Promise.all([scopedClientByNumber(app.pool, scope, number), findClientCard(app.pool, number)]);
  if (client === null || card === null || card.id !== client.id) return null;
  const id = client.id;
  const [stateChange, weeks, history, contacts, open, visits, timeline, spans] = await Promise.all([
    lastStateChange(app.pool, id),
    clientIndicatorSeries(
      app.pool,
      id,
      card.week ?? shiftPeriod('isoweek', periodOf('isoweek', now(), app.config.ric.timeZone), -1),
      CHART_WEEKS,
      app.config.risk.zones,
    ),
    card.week ? clientRiskHistory(app.pool, id, card.week, 1) : Promise.resolve([]),
    cardContacts(app.pool, id),
    openClientTasks(app.pool, id),
    openClientVisits(app.pool, id),
    clientTimeline(app.pool, {
      clientId: id,
      kinds: query.kinds,
      offset: (query.page - 1) * TIMELINE_PAGE,
      limit: TIMELINE_PAGE,
      tz: app.config.ric.timeZone,
    }),
    loadSourceCoverage(app.pool, app.config.ric.timeZone),
  ]);
  const latest = history[0] ?? null;
  const coverage: Partial<Record<ComponentKey, string>> = {};
  if (latest) for (const k of COMPONENTS) coverage[k] = componentCoverageText(k, spans, latest.week_end, app.config.risk, dmy);
  return {
    card,
    stateChange,
    weeks: [...weeks].reverse(),
    latest,
    coverage,
    contacts,
    open: open.map((t) => ({ ...t, linked: taskAccess(user, t) !== 'none' })),
    visits,
    timeline: timeline.rows,
    more: timeline.more,
    query,
  };
}
