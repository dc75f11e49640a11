/**
 * `admin simulate` on a short run: a simulated RIC of 200 clients over 4 weeks with the real
 * jobs, imports through the inbox, e-mails through the embedded SMTP sink and people closing
 * tasks through the diary's code. Every invariant holds each day, a second run with the same
 * seed — the admin script's `simulate --json` in a process of its own, at the same time as the
 * first on a database of its own — prints the same figures, and the invariant checks do catch
 * what they guard against.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { readSettings } from '../../src/cli/commands/simulate.js';
import { loadConfig } from '../../src/config.js';
import { checkInvariants, steadyStateWarning } from '../../src/sim/invariants.js';
import { compareRows, figuresJson } from '../../src/sim/report.js';
import { type SimResult, simulate } from '../../src/sim/run.js';
import { dbUrl } from '../helpers/db.js';
import { runAdmin } from '../helpers/process.js';

const CLIENTS = 200;
const WEEKS = 4;
const stamp = `${Math.floor(Date.now() / 1000)}_${process.pid}`;
const databaseUrl = dbUrl(`cg_t_${stamp}_sim`);
const secondUrl = dbUrl(`cg_t_${stamp}_sim2`);
const out = mkdtempSync(join(tmpdir(), 'cg-sim-test-'));
let first: SimResult;
let second: { code: number | string; stdout: string; stderr: string };

async function dropDatabases(): Promise<void> {
  const c = new pg.Client({ connectionString: dbUrl('postgres') });
  await c.connect();
  try {
    for (const name of [`cg_t_${stamp}_sim`, `cg_t_${stamp}_sim2`]) {
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    }
  } finally {
    await c.end();
  }
}

const run = () =>
  simulate({
    clients: CLIENTS,
    weeks: WEEKS,
    seed: 502,
    remote: 5,
    field: 3,
    start: '2024-07-01',
    out,
    keepMail: true,
    databaseUrl,
    queuePrefix: `{cg-t-sim-${stamp}}`,
  });

/** The simulation's own database after the last run, read with the service's configuration. */
function simApp() {
  return createApp(loadConfig({ envOverrides: { CHURNGUARD_RUN: 'test', DATABASE_URL: databaseUrl, SMTP_URL: '' } }));
}

/** The same run through the admin script, `--json`: its own process, database and queue prefix. */
const runAdminJson = () =>
  runAdmin(
    ['simulate', '--clients', String(CLIENTS), '--weeks', String(WEEKS), '--seed', '502', '--out', join(out, 'second'), '--json'],
    { SIM_DATABASE_URL: secondUrl, LOG_LEVEL: 'error' },
    'src/cli/main.ts',
    900_000,
  );

beforeAll(async () => {
  [first, second] = await Promise.all([run(), runAdminJson()]);
}, 900_000);

afterAll(async () => {
  await dropDatabases();
  rmSync(out, { recursive: true, force: true });
});

describe('admin simulate, 200 clients over 4 weeks', () => {
  it('keeps every invariant on every simulated day', () => {
    expect(first.figures.invariants.broken).toBeNull();
    expect(first.figures.weeks.map((w) => w.week)).toEqual(['2024-W27', '2024-W28', '2024-W29', '2024-W30']);
  });

  it('gives the same figures for the same seed: --json prints them', () => {
    expect(second.code, second.stderr.slice(-3000)).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(figuresJson(first.figures)));
  });

  it('lives the desk: the month’s e-mail, people closing work, alerts, risk weeks scored', async () => {
    const f = first.figures;
    expect(f.totals.closed).toBeGreaterThan(100);
    // The month's e-mail goes out in daily waves: by the month's last week most ЛПР have had it.
    expect(f.weeks[3]?.emailsPerLpr).toBeGreaterThan(0.3);
    expect(f.weeks.every((w) => w.lprCalledTwice === 0)).toBe(true);
    expect(f.weeks.some((w) => w.alerts > 0)).toBe(true);
    expect(f.months.map((m) => m.month)).toEqual(['2024-07']);
    expect(f.months[0]?.rows.tasks).toBeGreaterThan(0);
    const app = simApp();
    try {
      const q = async (sql: string) => (await app.pool.query(sql)).rows;
      // Every week's CRM exports arrived through the inbox and were accepted.
      const imports = await q(`SELECT kind, state, count(*)::int AS n FROM imports GROUP BY kind, state ORDER BY kind`);
      expect(imports.filter((r) => r.state !== 'done')).toEqual([]);
      expect(imports.find((r) => r.kind === 'online-usage')?.n).toBe(WEEKS);
      // The CRM's own «Фиксация отклонений» came every week, and its indicator is scored beside churnguard's.
      expect(imports.find((r) => r.kind === 'deviations')?.n).toBe(WEEKS);
      const [crm] = await q(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE d.indicator IS DISTINCT FROM r.computed_indicator)::int AS differ
           FROM crm_deviations d JOIN risk_scores r ON r.week = d.week AND r.client_id = d.client_id`,
      );
      expect(crm.n).toBeGreaterThan(CLIENTS * 3);
      expect(crm.differ).toBeGreaterThan(crm.n / 2);
      expect(f.totals.prediction.crm.clientWeeks).toBe(f.totals.prediction.churnguard.clientWeeks);
      expect(f.totals.prediction.crm.auc).not.toBeNull();
      // The CRM's echo of the contact events recorded here came back and was linked, not doubled.
      const [echo] = await q(`SELECT count(*)::int AS n FROM contact_events WHERE import_id IS NULL AND crm_number IS NOT NULL`);
      expect(echo.n).toBeGreaterThan(0);
      // The scheduled jobs ran on the simulated clock, each period once, none left running.
      const runs = await q(
        `SELECT job, count(*)::int AS n, count(*) FILTER (WHERE state <> 'completed')::int AS other FROM job_runs GROUP BY job`,
      );
      const byJob = Object.fromEntries(runs.map((r) => [r.job, r]));
      expect(byJob['risk-score']?.n).toBe(WEEKS);
      expect(byJob['lpr-monthly']?.n).toBe(1);
      expect(byJob['lpr-call-tasks']?.n).toBeGreaterThanOrEqual(20);
      expect(runs.filter((r) => r.other > 0)).toEqual([]);
      // The simulated people closed their visits through the diary's code: contact events of several specialists.
      const [people] = await q(
        `SELECT count(*)::int AS events, count(DISTINCT employee_id)::int AS who FROM contact_events WHERE import_id IS NULL AND note = 'симуляция'`,
      );
      expect(people.events).toBeGreaterThan(100);
      expect(people.who).toBeGreaterThanOrEqual(5);
      const [clicks] = await q(`SELECT count(*)::int AS n FROM clicks`);
      expect(clicks.n).toBeGreaterThan(0);
      // With keepMail the sink kept every e-mail it accepted; the admin run without --keep-mail kept none.
      const [sent] = await q(
        `SELECT (SELECT count(*) FROM messages WHERE state IN ('sent', 'bounced')) + (SELECT count(*) FROM notifications WHERE state = 'sent') AS n`,
      );
      const kept = readdirSync(join(out, 'var', 'mail')).filter((f) => f.endsWith('.eml')).length;
      expect(kept).toBeGreaterThan(CLIENTS / 2);
      expect(kept).toBe(Number(sent.n));
      expect(existsSync(join(out, 'second', 'var', 'mail'))).toBe(false);
      // The simulation's database is disposable: its commits do not wait for the WAL's flush.
      const [sync] = await q('SHOW synchronous_commit');
      expect(sync.synchronous_commit).toBe('off');
    } finally {
      await app.close();
    }
  });

  it('names the broken invariant: an e-mail twice in a period, a run left running', async () => {
    const app = simApp();
    try {
      const at = new Date('2024-07-29T17:00:00Z');
      expect(await checkInvariants(app, at, join(out, 'var', 'inbox'))).toBeNull();
      // Two messages of one mailing to the same address (two contacts sharing it).
      const [pair] = (
        await app.pool.query<{ a: number; b: number; email: string }>(
          `SELECT min(id)::int AS a, max(id)::int AS b FROM messages WHERE state = 'sent' GROUP BY mailing_id HAVING count(*) > 1 LIMIT 1`,
        )
      ).rows;
      expect(pair).toBeDefined();
      const { rows: before } = await app.pool.query<{ to_email: string }>('SELECT to_email FROM messages WHERE id = $1', [pair?.b]);
      await app.pool.query('UPDATE messages SET to_email = (SELECT to_email FROM messages WHERE id = $1) WHERE id = $2', [
        pair?.a,
        pair?.b,
      ]);
      expect((await checkInvariants(app, at, join(out, 'var', 'inbox')))?.invariant).toBe('no e-mail to anyone twice in a period');
      await app.pool.query('UPDATE messages SET to_email = $1 WHERE id = $2', [before[0]?.to_email, pair?.b]);
      expect(await checkInvariants(app, at, join(out, 'var', 'inbox'))).toBeNull();
      await app.pool.query(
        `INSERT INTO job_runs (job, period, trigger, state, attempts, started_at, heartbeat_at) VALUES ('risk-score', '2099-W01', 'admin', 'running', 1, now(), now())`,
      );
      expect(await checkInvariants(app, at, join(out, 'var', 'inbox'))).toEqual({
        invariant: 'every job run ended',
        detail: 'risk-score 2099-W01 is still running',
      });
    } finally {
      await app.close();
    }
  });
});

describe('what the simulation reports and reads', () => {
  it('warns when open work grows four weeks running at capacity, and not otherwise', () => {
    const weeks = [10, 20, 30, 40, 50].map((openTotal, i) => ({ week: `2024-W${30 + i}`, openTotal, overflow: 5 }));
    expect(steadyStateWarning(weeks)).toMatch(/grew 4 weeks running.*2024-W30 10 → .* → 2024-W34 50/);
    expect(steadyStateWarning(weeks.map((w, i) => (i === 3 ? { ...w, overflow: 0 } : w)))).toBeNull();
    expect(steadyStateWarning(weeks.map((w, i) => (i === 2 ? { ...w, openTotal: 15 } : w)))).toBeNull();
  });

  it('compares two runs figure by figure', () => {
    const rows = compareRows(first.figures, first.figures);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r.diff === 0 || r.diff === null)).toBe(true);
  });

  it('names the place of a bad what-if file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-sim-cfg-'));
    try {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{\n  "simulation": {\n    "people": { "spread": 0.1, }\n  }\n}\n');
      expect(() => readSettings(bad)).toThrow(`${bad}:3:32: PropertyNameExpected`);
      const unknown = join(dir, 'unknown.json');
      writeFileSync(unknown, '{ "simulation": { "people": { "sprad": 0.1 } } }');
      expect(() => readSettings(unknown)).toThrow(/simulation\.people: unknown key "sprad"/);
      const good = join(dir, 'good.json');
      writeFileSync(good, '{ "simulation": { "people": { "spread": 0.1 } }, "workload": { "remote": 15 } }');
      expect(readSettings(good)).toEqual({ simulation: { people: { spread: 0.1 } }, workload: { remote: 15 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
