/**
 * Every registered report, in every format, as the diary runs it for a head of a department and
 * for a remote specialist (src/db/scope.ts), on the demo's story: no client outside their scope
 * appears anywhere in the output, neither by name nor by number. The same reports unscoped show
 * such clients, so the check can see a leak.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../../src/clock.js';
import { type Scope, withScope } from '../../src/db/scope.js';
import { UsageError } from '../../src/domain/options.js';
import { renderHtml } from '../../src/reports/html.js';
import { REPORTS } from '../../src/reports/index.js';
import { buildOverview, renderOverview } from '../../src/reports/overview.js';
import { renderCsv, renderJson, renderText, renderXlsx } from '../../src/reports/render.js';
import type { Report } from '../../src/reports/types.js';
import { runStory, type Story } from '../fixtures/story.js';

let story: Story;
const q = async <T>(sql: string, params: unknown[] = []) => (await story.t.app.pool.query(sql, params)).rows as T[];

interface Client {
  number: number;
  name: string;
}

interface Viewer {
  who: string;
  scope: Scope;
  /** Clients the viewer must not see. */
  outside: Client[];
  inside: Client[];
}

const viewers: Viewer[] = [];

beforeAll(async () => {
  story = await runStory();
  const [head] = await q<{ name: string; department_id: number }>(
    `SELECT h.name, h.department_id FROM employees h
      WHERE h.is_department_head AND h.active AND h.department_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM clients c JOIN employees s ON s.id IN (c.remote_specialist_id, c.field_specialist_id)
                     WHERE s.department_id = h.department_id)
      ORDER BY h.id LIMIT 1`,
  );
  const [specialist] = await q<{ id: number; name: string }>(
    `SELECT e.id, e.name FROM employees e
      WHERE e.role = 'remote' AND NOT e.is_department_head AND e.active
        AND EXISTS (SELECT 1 FROM clients c WHERE c.remote_specialist_id = e.id)
      ORDER BY e.id LIMIT 1`,
  );
  if (!head || !specialist) throw new Error('the demo story has no head or specialist with clients');
  // The scopes' clients, computed here on their own (not with src/db/scope.ts).
  const split = async (who: string, scope: Scope, inScopeSql: string, param: number) => {
    const all = await q<Client & { inside: boolean }>(`SELECT c.number, c.name, ${inScopeSql} AS inside FROM clients c ORDER BY c.number`, [
      param,
    ]);
    viewers.push({ who, scope, outside: all.filter((c) => !c.inside), inside: all.filter((c) => c.inside) });
  };
  await split(
    `head ${head.name}`,
    { kind: 'department', departmentId: head.department_id },
    `EXISTS (SELECT 1 FROM employees e WHERE (e.id = c.remote_specialist_id OR e.id = c.field_specialist_id) AND e.department_id = $1)`,
    head.department_id,
  );
  await split(
    `specialist ${specialist.name}`,
    { kind: 'employee', employeeId: specialist.id },
    `(c.remote_specialist_id IS NOT DISTINCT FROM $1::bigint OR c.field_specialist_id IS NOT DISTINCT FROM $1::bigint)`,
    specialist.id,
  );
}, 900_000);
afterAll(() => story?.close());

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function xlsxText(bytes: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const out: string[] = [];
  for (const ws of wb.worksheets) {
    out.push(ws.name);
    ws.eachRow((row) => {
      row.eachCell((cell) => {
        out.push(String(cell.text ?? ''));
      });
    });
  }
  return out.join('\n');
}

/** Every format of a report, as text to search. */
async function renderings(report: Report, tz: string): Promise<Record<string, string>> {
  return {
    table: renderText(report, tz),
    csv: renderCsv(report, tz),
    json: renderJson(report),
    html: renderHtml(report, { tz, generatedAt: now() }),
    xlsx: await xlsxText(await renderXlsx(report, tz)),
  };
}

/** The clients of `clients` named in `text` (by name, or by number standing alone). */
function named(text: string, clients: readonly Client[], inside: readonly Client[]): string[] {
  // A name that is part of a name in scope (or too short to mean anything) cannot tell.
  const telling = clients.filter((c) => c.name.length >= 6 && !inside.some((i) => i.name.includes(c.name)));
  const hits = telling.filter((c) => text.includes(c.name) || text.includes(escapeHtml(c.name))).map((c) => `${c.number} ${c.name}`);
  // Not a number inside another: `1234567`, `3.123456`, nor a worker's `host:pid` (job-runs' owner).
  for (const c of clients) {
    if (new RegExp(`(?<![\\d.,]|\\w:)${c.number}(?![\\d])`).test(text)) hits.push(`№ ${c.number}`);
  }
  return [...new Set(hits)];
}

async function build(scope: Scope, def: (typeof REPORTS)[number]): Promise<Report | null> {
  const app = story.t.app;
  try {
    return await withScope(app.pool, scope, (pool) => def.build({ ...app, pool }, {}));
  } catch (err) {
    // The diary shows the form with the error; nothing to leak.
    if (err instanceof UsageError) return null;
    throw err;
  }
}

describe('every registered report in every format', () => {
  it('names no client outside the scope of a head or of a specialist', async () => {
    const tz = story.t.app.config.ric.timeZone;
    const leaks: string[] = [];
    let seenUnscoped = 0;
    let built = 0;
    for (const v of viewers) {
      expect(v.outside.length, v.who).toBeGreaterThan(0);
      expect(v.inside.length, v.who).toBeGreaterThan(0);
      for (const def of REPORTS) {
        const scoped = await build(v.scope, def);
        if (scoped) {
          built++;
          for (const [format, text] of Object.entries(await renderings(scoped, tz))) {
            for (const hit of named(text, v.outside, v.inside)) leaks.push(`${def.name} (${format}) for ${v.who}: ${hit}`);
          }
        }
        const all = await build({ kind: 'all' }, def);
        if (all && named(renderJson(all), v.outside, v.inside).length) seenUnscoped++;
      }
    }
    expect(leaks).toEqual([]);
    // Nearly every report builds with its defaults, and unscoped several do name those clients.
    expect(built).toBeGreaterThanOrEqual(REPORTS.length * viewers.length - 2);
    expect(seenUnscoped).toBeGreaterThan(4);
  });

  it('and the overview names no client outside the head’s department', async () => {
    const tz = story.t.app.config.ric.timeZone;
    const head = viewers[0] as Viewer;
    const app = story.t.app;
    const page = await withScope(app.pool, head.scope, async (pool) =>
      renderOverview(await buildOverview({ ...app, pool }), { tz, generatedAt: now() }),
    );
    expect(named(page, head.outside, head.inside)).toEqual([]);
    const unscoped = renderOverview(await buildOverview(app), { tz, generatedAt: now() });
    expect(named(unscoped, head.outside, head.inside).length).toBeGreaterThan(0);
  });
});
