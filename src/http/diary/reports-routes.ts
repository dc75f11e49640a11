/**
 * «Отчёты» in the diary:
 * - `GET /diary/reports`: the overview and the reports this user may open;
 * - `GET /diary/reports/overview`: the overview page of `admin report overview`;
 * - `GET /diary/reports/<name>[?options][&format=xlsx|csv]`: one report as a page with its
 *   options as a form, or the same workbook / CSV as `admin report <name> --format xlsx|csv`.
 * Who sees what: a head sees every report about their own department's clients, or about every
 * department when named in `diary.reportsAllDepartments`; anyone else sees the reports marked
 * `forSpecialists`, about their own clients only. The limit is applied under the reports, to the
 * tables themselves, by the one scope rule (src/db/scope.ts). A report outside the list, or the `department`
 * option naming another department, is "not found" (404).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../../app.js';
import { now } from '../../clock.js';
import { teamMembers } from '../../db/diary.js';
import type { DiaryUser } from '../../db/diary-auth.js';
import { type Scope, scopeOf, withScope } from '../../db/scope.js';
import { overflowVisits } from '../../db/visits.js';
import { csrfToken } from '../../diary/tokens.js';
import { UsageError } from '../../domain/options.js';
import type { SafeHtml } from '../../mail/render.js';
import { REPORTS } from '../../reports/index.js';
import { buildOverview, renderOverview } from '../../reports/overview.js';
import { renderCsv, renderXlsx } from '../../reports/render.js';
import type { ReportDefinition } from '../../reports/types.js';
import { sendPage } from '../pages.js';
import type { DiaryKit } from './kit.js';
import { DECISION_DONE, overflowDecisions } from './pages.js';
import { type OptionValues, reportListPage, reportPage } from './report-pages.js';

interface Access {
  scope: Scope;
  /** In Russian, under the page title. */
  text: string;
  reports: ReportDefinition[];
  overview: boolean;
}

/** The reports and the part of the desk a user sees. */
export function accessOf(app: App, user: DiaryUser): Access {
  const scope = scopeOf(user, app.config.diary.reportsAllDepartments);
  if (scope.kind === 'all') return { scope, text: 'все подразделения', reports: [...REPORTS], overview: true };
  if (scope.kind === 'department') {
    return { scope, text: `клиенты подразделения «${user.department ?? ''}»`, reports: [...REPORTS], overview: true };
  }
  return { scope, text: 'мои клиенты', reports: REPORTS.filter((r) => r.forSpecialists), overview: false };
}

type Query = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The report's declared options from the query string; unknown parameters are ignored. */
function optionValues(def: ReportDefinition, q: Query): OptionValues {
  const out: OptionValues = {};
  for (const [name, o] of Object.entries(def.options)) {
    const v = first(q[name])?.trim();
    if (v === undefined || v === '') continue;
    out[name] = o.type === 'boolean' ? v !== '0' : v;
  }
  return out;
}

export async function diaryReportRoutes(scope: FastifyInstance, app: App, kit: DiaryKit): Promise<void> {
  const tz = app.config.ric.timeZone;
  const notFound = (reply: FastifyReply) => kit.refuse(reply, 404, 'Отчёт не найден', 'Такого отчёта нет среди ваших отчётов.', 'view');

  scope.get('/diary/reports', async (req, reply) => {
    const s = await kit.sessionOf(req);
    if (!s) return kit.showLogin(reply, 401, null);
    const a = accessOf(app, s.user);
    return sendPage(
      reply,
      200,
      reportListPage(
        s.user,
        a.text,
        a.reports.map((r) => ({ name: r.name, title: r.title ?? r.description })),
        a.overview,
      ),
    );
  });

  scope.get('/diary/reports/overview', async (req, reply) => {
    const s = await kit.sessionOf(req);
    if (!s) return kit.showLogin(reply, 401, null);
    const a = accessOf(app, s.user);
    if (!a.overview) return notFound(reply);
    const reports = await withScope(app.pool, a.scope, (pool) => buildOverview({ ...app, pool }));
    const page = renderOverview(reports, { tz, generatedAt: now(), subtitle: `${app.config.ric.name} · ${a.text}`, clientLinks: true });
    return sendPage(reply, 200, page.replace('<main>', '<main>\n<p><a href="/diary/reports">← Отчёты</a></p>'));
  });

  scope.get<{ Params: { name: string }; Querystring: Query }>('/diary/reports/:name', async (req, reply) => {
    const s = await kit.sessionOf(req);
    if (!s) return kit.showLogin(reply, 401, null);
    const a = accessOf(app, s.user);
    const def = a.reports.find((r) => r.name === req.params.name);
    if (!def) return notFound(reply);
    const values = optionValues(def, req.query);
    if ('department' in def.options && a.scope.kind !== 'all') {
      // Own department by default; another one is not there for this user.
      const own = s.user.department ?? '';
      if (values.department === undefined && a.scope.kind === 'department') values.department = own;
      else if (values.department !== undefined && String(values.department).toLowerCase() !== own.toLowerCase()) return notFound(reply);
    }
    const format = first(req.query.format) ?? 'html';
    if (!['html', 'xlsx', 'csv'].includes(format)) {
      return kit.refuse(reply, 400, 'Формат не поддерживается', 'Отчёт можно открыть страницей, скачать в Excel или CSV.', 'view');
    }
    let report: Awaited<ReturnType<ReportDefinition['build']>> | null = null;
    let error: string | null = null;
    try {
      report = await withScope(app.pool, a.scope, (pool) => def.build({ ...app, pool }, values));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      error = err.message;
    }
    if (report && format === 'xlsx') {
      return reply
        .code(200)
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${def.name}.xlsx"`)
        .send(await renderXlsx(report, tz));
    }
    if (report && format === 'csv') {
      return reply
        .code(200)
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${def.name}.csv"`)
        .send(renderCsv(report, tz));
    }
    // The workload report: under it, the head decides on each visit of the department that does not fit.
    let extra: SafeHtml | undefined;
    let flash: string | null = null;
    if (def.name === 'workload' && s.user.isHead && s.user.departmentId !== null) {
      const members = await teamMembers(app.pool, s.user.departmentId);
      extra = overflowDecisions(await overflowVisits(app.pool, s.user.departmentId), members, csrfToken(s.token), 'workload');
      const action = first(req.query.action);
      if (first(req.query.decided) && (action === 'move' || action === 'reassign' || action === 'drop'))
        flash = `${DECISION_DONE[action]}.`;
    }
    const page = reportPage({ user: s.user, def, values, scopeText: a.text, report, error, tz, generatedAt: now(), extra, flash });
    return sendPage(reply, error ? 400 : 200, page);
  });
}
