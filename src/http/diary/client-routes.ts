/**
 * The client's card in the diary:
 * - `GET /diary/clients/<number>[?kind=…&page=N]`: the card, the timeline filtered by kind, a
 *   page of it at a time;
 * - `GET /diary/clients?q=…`: the search box of the diary's header — a client by number or
 *   part of the name; a number found exactly opens its card.
 * Who sees a client: the department-scope rule of the reports (src/db/scope.ts) — its
 * own specialists, the heads of their departments (every client for a head named in
 * `diary.reportsAllDepartments`). Anyone else gets «не найдено», whether the client exists or not.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { searchClients } from '../../db/client-story.js';
import { loadClientPage, timelineQuery } from '../../diary/client-view.js';
import { csrfToken } from '../../diary/tokens.js';
import { counter } from '../../metrics.js';
import { sendPage } from '../pages.js';
import { clientPage, searchPage } from './client-page.js';
import type { DiaryKit } from './kit.js';
import { accessOf } from './reports-routes.js';

const views = counter('churnguard_diary_client_views_total', 'Client cards and client searches opened in the diary, by result.');

const SEARCH_LIMIT = 50;

type Query = Record<string, string | string[] | undefined>;
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export async function diaryClientRoutes(scope: FastifyInstance, app: App, kit: DiaryKit): Promise<void> {
  const ctxOf = (token: string) => ({
    tz: app.config.ric.timeZone,
    csrf: csrfToken(token),
    zones: app.config.risk.zones,
    indicatorSource: app.config.risk.indicatorSource,
    defaultFrequencyMonths: app.config.lpr.defaultFrequencyMonths,
  });

  scope.get<{ Querystring: Query }>('/diary/clients', async (req, reply) => {
    const s = await kit.sessionOf(req);
    if (!s) return kit.showLogin(reply, 401, null);
    const q = (all(req.query.q)[0] ?? '').trim().slice(0, 200);
    const found = await searchClients(app.pool, accessOf(app, s.user).scope, q, SEARCH_LIMIT);
    views.inc({ kind: 'search', result: found.length ? 'found' : 'none' });
    const exact = /^\d{1,8}$/.test(q) ? found.find((c) => c.number === Number(q)) : undefined;
    if (exact) return reply.code(303).header('location', `/diary/clients/${exact.number}`).send();
    return sendPage(reply, 200, searchPage(s.user, csrfToken(s.token), q, found, SEARCH_LIMIT));
  });

  scope.get<{ Params: { number: string }; Querystring: Query }>('/diary/clients/:number', async (req, reply) => {
    const s = await kit.sessionOf(req);
    if (!s) return kit.showLogin(reply, 401, null);
    const raw = req.params.number;
    const number = /^\d{1,8}$/.test(raw) ? Number(raw) : null;
    const query = timelineQuery(all(req.query.kind), Number(all(req.query.page)[0] ?? '1'));
    const view = number === null ? null : await loadClientPage(app, s.user, accessOf(app, s.user).scope, number, query);
    if (!view) {
      views.inc({ kind: 'card', result: 'refused' });
      return kit.refuse(reply, 404, 'Клиент не найден', 'Такого клиента нет среди ваших клиентов.', 'view');
    }
    views.inc({ kind: 'card', result: 'ok' });
    return sendPage(reply, 200, clientPage(s.user, view, ctxOf(s.token)));
  });
}
