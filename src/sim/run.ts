/**
 * `admin simulate`: a simulated RIC living through weeks with the real service. Its own
 * database (recreated; never DATABASE_URL's), queue prefix, var/ folder and the SMTP sink (in
 * a process of its own, src/sim/sink-process.ts); the service's clock frozen at each moment of
 * a simulated day, so a day takes as long as its work.
 *
 * Each day has fixed moments (07:00, 09:00, 12:00, 18:00 in the RIC's zone; 09:00 and 18:00 on a day off). At each, every scheduled job
 * whose schedule fired since the previous moment runs once for that fire's period — what the
 * scheduler's catch-up does after a pause — through `executeRun`, one at a time, with the
 * queues paused; then the queue's work (imports' scans, e-mails) is let finish before the next job. Delayed queue jobs
 * (an e-mail held until the next working morning, a retry) are promoted once their time has
 * come on the simulated clock. Before each moment, what autovacuum would have done in the
 * hours since the previous one (src/sim/autovacuum.ts). Monday 06:00 the CRM's exports of the week arrive in the inbox;
 * at noon of a working day the people work their lists; at the end of the day the invariants
 * are checked; on Sunday night the world lives its week.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { type App, createApp } from '../app.js';
import { setClock } from '../clock.js';
import { deepMerge, loadConfig, PROJECT_ROOT } from '../config.js';
import { readContentDir } from '../content/load.js';
import { saveContent } from '../db/contents.js';
import { freshDatabase } from '../db/fresh-database.js';
import { migrate } from '../db/migrate.js';
import { withTransaction } from '../db/pool.js';
import { Rng } from '../demo-data/random.js';
import { addDays, type IsoDate, weekdayOf, zonedTime } from '../domain/dates.js';
import { periodOf } from '../domain/periods.js';
import { inboxDir } from '../imports/inbox.js';
import { JOBS } from '../jobs/index.js';
import { LPR_KIND } from '../jobs/lpr-monthly.js';
import { createLogger } from '../log.js';
import { deleteQueueKeys } from '../queue/queues.js';
import { latestDue, scheduledJobs } from '../queue/schedules.js';
import { executeRun, JobWorkers } from '../queue/worker.js';
import { autovacuum } from './autovacuum.js';
import { simulateClicks } from './clicks.js';
import { deliverDeviations, deliverEcho, deliverWeek, simRic } from './crm.js';
import { type Broken, checkInvariants, steadyStateWarning } from './invariants.js';
import {
  databaseBytes,
  type MonthFigures,
  type MonthSize,
  type Predictions,
  predictions,
  rowsPerTable,
  type Uplift,
  uplift,
  type WeekFigures,
  weekFromDb,
} from './metrics.js';
import { DEFAULT_PEOPLE, type PeopleSettings, splitSettings } from './options.js';
import { actOnOverflow, type DayWork, loadPeople, workTeamDay } from './people.js';
import { startSinkProcess } from './sink-process.js';
import { DEFAULT_WORLD, World, type WorldSettings } from './world.js';

export interface SimOptions {
  clients: number;
  weeks: number;
  seed: number;
  remote: number;
  field: number;
  /** A Monday. */
  start: IsoDate;
  /** `--config FILE`'s content: service settings, and `simulation.world` / `simulation.people`. */
  settings?: Record<string, unknown>;
  /** Where the page, the workbook and the simulation's var/ go. */
  out: string;
  /**
   * Keep every e-mail the sink accepts as `.eml` under `out/var/mail` (`--keep-mail`). Off by
   * default: a simulated year of 10 000 clients sends about 120 000 e-mails, 6 GB on disk, and
   * nothing in the run reads them back (clicks go through the database's links).
   */
  keepMail?: boolean;
  databaseUrl: string;
  queuePrefix?: string;
  /** A line per simulated week (the terminal's table) and the progress of the day. */
  onWeek?(w: WeekFigures, index: number): void;
  onProgress?(done: number, total: number, label: string): void;
}

export interface SimFigures {
  settings: { clients: number; weeks: number; seed: number; remote: number; field: number; start: IsoDate; capacity: number };
  weeks: WeekFigures[];
  months: MonthFigures[];
  totals: {
    disconnections: number;
    closed: number;
    alerts: number;
    /** Out of sample, churnguard's indicator beside the CRM's. */
    prediction: Predictions;
    uplift: Uplift;
  };
  invariants: { broken: (Broken & { day: IsoDate }) | null; steadyState: string | null };
}

/** What the run measured besides the figures: never part of `--json`'s comparison. */
export interface SimMeasures {
  seconds: number;
  sizes: MonthSize[];
  /** Per week: job → total seconds of its runs. */
  jobSeconds: Record<string, number>[];
  /** The whole run: each part of the simulation's own work (the world, the CRM files, the people, checks, figures) → seconds. */
  phaseSeconds: Record<string, number>;
  /** Seconds of each simulated day, jobs included. */
  daySeconds: number[];
}

export interface SimResult {
  figures: SimFigures;
  measures: SimMeasures;
}

/** The moments of a day when the scheduler looks (hours in the RIC's zone); people work at noon. */
const WORKING_MOMENTS = [7, 9, 12, 18] as const;
const DAY_OFF_MOMENTS = [9, 18] as const;
const WORK_HOUR = 12;
/** People working at the same time (each a connection of the pool's). */
const PEOPLE_AT_ONCE = 4;
const CLICK_HOUR = 18;

class Driver {
  /** (real ms, simulated instant) of each moment, to place delayed queue jobs on the simulated clock. */
  private readonly moments: { real: number; sim: number }[] = [];
  jobSeconds: Record<string, number> = {};
  readonly phaseSeconds: Record<string, number> = {};

  /** Run `fn`, adding its seconds to `phase`. */
  async timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.phaseSeconds[phase] = (this.phaseSeconds[phase] ?? 0) + (performance.now() - started) / 1000;
    }
  }

  constructor(private readonly app: App) {}

  private vacuuming: Promise<void> | null = null;

  /** Start a pass of what autovacuum would do now, unless one is still working. */
  autovacuum(): void {
    if (this.vacuuming) return;
    const started = performance.now();
    this.vacuuming = autovacuum(this.app.pool)
      .then(
        () => undefined,
        (err) => this.app.log.warn({ err }, 'simulate: a pass of autovacuum failed; the next moment tries again'),
      )
      .finally(() => {
        this.phaseSeconds['autovacuum (background)'] =
          (this.phaseSeconds['autovacuum (background)'] ?? 0) + (performance.now() - started) / 1000;
        this.vacuuming = null;
      });
  }

  /** Wait for the pass in the background, if any. */
  async vacuumed(): Promise<void> {
    await this.vacuuming;
  }

  setMoment(at: Date): void {
    setClock(at, { frozen: true });
    this.moments.push({ real: Date.now(), sim: at.getTime() });
    if (this.moments.length > 64) this.moments.splice(0, this.moments.length - 64);
  }

  private simTimeOf(realMs: number): number {
    let sim = this.moments[0]?.sim ?? 0;
    for (const m of this.moments) if (m.real <= realMs) sim = m.sim;
    return sim;
  }

  /** Per queue: each delayed job's simulated due time, and the delayed count when it was last listed. */
  private readonly delayed = new Map<string, { due: Map<string, number>; listedAt: number }>();

  /**
   * Promote the delayed jobs of `q` whose simulated time has come. The queue's delayed jobs are
   * listed (ids only; a new one's timestamp read once) only when their count changed since the
   * last listing, so a settle over thousands of e-mails held until the morning does not read
   * them all again at every spin.
   */
  private async promoteDue(q: Queue, count: number, at: Date): Promise<number> {
    let known = this.delayed.get(q.name);
    if (!known) {
      known = { due: new Map(), listedAt: -1 };
      this.delayed.set(q.name, known);
    }
    if (count !== known.listedAt) {
      const ids = await q.getRanges(['delayed'], 0, -1);
      const now = new Set(ids);
      for (const id of known.due.keys()) if (!now.has(id)) known.due.delete(id);
      const fresh = ids.filter((id) => !known.due.has(id));
      const jobs = await Promise.all(fresh.map((id) => q.getJob(id)));
      for (const job of jobs) {
        if (job?.id) known.due.set(job.id, this.simTimeOf(job.timestamp) + (job.opts.delay ?? 0));
      }
      known.listedAt = count;
    }
    const due = [...known.due].filter(([, t]) => t <= at.getTime()).map(([id]) => id);
    if (!due.length) return 0;
    for (const id of due) {
      const job = await q.getJob(id);
      await job?.promote().catch(() => {});
      known.due.delete(id);
    }
    // List again on the next spin: what was promoted left, and the count no longer tells.
    known.listedAt = -1;
    return due.length;
  }

  private queues(): Queue[] {
    return JOBS.map((j) => this.app.queues.get(j.name));
  }

  /**
   * The queues stay paused but while `settle` lets their work run: what a job or a person asks
   * of the workers (the scan an import asks for, e-mails) starts after it ends and never races
   * it — the same seed, the same run — without a pause and a resume of every queue around each
   * job (most jobs queue nothing).
   */
  async pauseAll(): Promise<void> {
    await Promise.all(this.queues().map((q) => q.pause()));
  }

  /**
   * Let the queues' work run until none is waiting or running: a queue with work is resumed,
   * and paused again once all is done; delayed jobs whose simulated time has come are promoted.
   */
  async settle(at: Date): Promise<void> {
    const queues = this.queues();
    const resumed = new Set<Queue>();
    try {
      for (let spins = 0; ; spins++) {
        const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized', 'delayed')));
        let busy = 0;
        for (const [i, c] of counts.entries()) {
          const q = queues[i] as Queue;
          const ready = (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ? await this.promoteDue(q, c.delayed, at) : 0);
          busy += ready + (c.active ?? 0);
          if (ready && !resumed.has(q)) {
            await q.resume();
            resumed.add(q);
          }
        }
        if (!busy) return;
        if (spins > 60_000) throw new Error('simulate: the queues did not settle within 10 minutes');
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await Promise.all([...resumed].map((q) => q.pause()));
    }
  }

  /** Every scheduled job whose schedule fired in (since, at], once, for that fire's period. */
  async runDue(since: Date, at: Date): Promise<void> {
    for (const s of scheduledJobs(this.app)) {
      const due = latestDue(this.app, s, at);
      if (!due || due.firedAt.getTime() <= since.getTime()) continue;
      const started = performance.now();
      await this.timed(`run ${s.def.name}`, () => executeRun(this.app, s.def, { period: due.period, trigger: 'schedule' }));
      await this.timed(`queue after ${s.def.name}`, () => this.settle(at));
      this.jobSeconds[s.def.name] = (this.jobSeconds[s.def.name] ?? 0) + (performance.now() - started) / 1000;
    }
  }
}

/** The month's content as a head prepares it: the worked example, relabelled for the month. */
async function loadMonthContent(app: App, month: string, at: Date): Promise<void> {
  const loaded = readContentDir(join(PROJECT_ROOT, 'content', '2024-06'));
  const content = { ...loaded, content: { ...loaded.content, period: month }, sha256: `${loaded.sha256}:${month}` };
  await withTransaction(app.pool, (db) => saveContent(db, LPR_KIND, content, at));
}

export async function simulate(o: SimOptions): Promise<SimResult> {
  const started = Date.now();
  if (weekdayOf(o.start) !== 1) throw new Error(`simulate: the start ${o.start} is not a Monday`);
  const varDir = join(o.out, 'var');
  rmSync(varDir, { recursive: true, force: true });
  mkdirSync(varDir, { recursive: true });
  const sink = await startSinkProcess(o.keepMail ? join(varDir, 'mail') : null);
  try {
    return await simulateWith(o, { started, varDir, smtpUrl: sink.url });
  } finally {
    await sink.stop();
  }
}

async function simulateWith(o: SimOptions, env: { started: number; varDir: string; smtpUrl: string }): Promise<SimResult> {
  const { started, varDir } = env;
  const split = splitSettings(o.settings);
  const peopleSettings: PeopleSettings = { ...DEFAULT_PEOPLE, ...split.people };
  const dbName = decodeURIComponent(new URL(o.databaseUrl).pathname.slice(1));
  const config = loadConfig({
    envOverrides: {
      CHURNGUARD_RUN: 'demo',
      CONFIG_FILE: '',
      DATABASE_URL: o.databaseUrl,
      QUEUE_PREFIX: o.queuePrefix ?? `{cg-${dbName}}`,
      SMTP_URL: env.smtpUrl,
      IMAP_URL: '',
      VAR_DIR: varDir,
    },
    // The SMTP rate limit is per real minute: on a simulated clock it would only make the run
    // wait (a mailing wave of more than the limit would pause a real minute), not change a figure.
    overrides: deepMerge(split.service, { imports: { inboxSettleMs: 0, inboxWatchDebounceMs: 0 }, smtp: { ratePerMinute: 1_000_000 } }),
  });
  const tz = config.ric.timeZone;
  setClock(zonedTime(o.start, 6, 0, tz), { frozen: true });
  await freshDatabase(o.databaseUrl, { disposable: true });
  const app = createApp(config, { log: createLogger(config.env.logLevelSet ? config.env.logLevel : 'error', 2) });
  const workers = new JobWorkers(app);
  const driver = new Driver(app);
  const weeks: WeekFigures[] = [];
  const months: MonthFigures[] = [];
  const sizes: MonthSize[] = [];
  const jobSeconds: Record<string, number>[] = [];
  const daySeconds: number[] = [];
  const leftOn = new Map<number, IsoDate>();
  let broken: (Broken & { day: IsoDate }) | null = null;
  try {
    await migrate(app.pool);
    await deleteQueueKeys(app.queues.redis(), app.config.env.queuePrefix);
    await driver.pauseAll();
    workers.start();
    const ric = simRic({ clients: o.clients, seed: o.seed, today: o.start, remote: o.remote, field: o.field });
    const world = new World(ric, o.seed, deepMerge(DEFAULT_WORLD, split.world) as WorldSettings);
    const peopleRng = new Rng(o.seed ^ 0x9e0);
    const inbox = inboxDir(app);
    let crmNumber = 8_000_000;
    let since = zonedTime(o.start, 6, 0, tz);
    driver.setMoment(since);
    await driver.timed('crm files', async () => {
      await deliverWeek(ric, o.start, inbox, `${o.start}`, true);
      deliverDeviations(ric, config.ric.code, periodOf('isoweek', zonedTime(addDays(o.start, -1), 12, 0, tz), tz), inbox);
    });
    let people = null as Awaited<ReturnType<typeof loadPeople>> | null;
    let clientNumbers = new Map<number, number>();
    const totalDays = o.weeks * 7;
    let monthDisconnections = 0;
    for (let w = 0; w < o.weeks && !broken; w++) {
      const monday = addDays(o.start, 7 * w);
      const weekStart = zonedTime(monday, 0, 0, tz);
      driver.jobSeconds = {};
      if (w > 0) {
        driver.setMoment(zonedTime(monday, 6, 0, tz));
        await driver.timed('crm files', () => deliverWeek(ric, monday, inbox, monday, false));
        const echo = await driver.timed('crm echo', () =>
          deliverEcho(app, ric, zonedTime(addDays(monday, -7), 0, 0, tz), weekStart, inbox, `${monday}-echo.tsv`, crmNumber),
        );
        crmNumber = echo.next;
        // The CRM's own indicator of the week just ended, after its contact history took the echo in.
        const ended = periodOf('isoweek', zonedTime(addDays(monday, -1), 12, 0, tz), tz);
        await driver.timed('crm files', async () => deliverDeviations(ric, config.ric.code, ended, inbox));
      }
      const work: DayWork[] = [];
      let moved = 0;
      for (let d = 0; d < 7 && !broken; d++) {
        const dayStarted = performance.now();
        const day = addDays(monday, d);
        o.onProgress?.(w * 7 + d, totalDays, day);
        const moments = app.calendar.isWorkingDay(day) ? WORKING_MOMENTS : DAY_OFF_MOMENTS;
        for (const hour of moments) {
          const at = zonedTime(day, hour, 0, tz);
          driver.setMoment(at);
          // The head loads the month's content before the mailing of the 1st.
          if (hour === moments[0] && (day.endsWith('-01') || (w === 0 && d === 0)))
            await driver.timed('content', () => loadMonthContent(app, day.slice(0, 7), at));
          // The hours since the previous moment: what autovacuum would have done in them, in the
          // background as autovacuum works (one pass at a time).
          driver.autovacuum();
          await driver.runDue(since, at);
          since = at;
          if (hour === CLICK_HOUR)
            await driver.timed('clicks', () => simulateClicks(app, world, o.seed, new Date(at.getTime() - 86_400_000), at));
          if (hour !== WORK_HOUR || !app.calendar.isWorkingDay(day)) continue;
          if (!people) {
            people = await loadPeople(app, peopleSettings, o.seed);
            const { rows } = await app.pool.query<{ id: number; number: number }>('SELECT id, number FROM clients');
            clientNumbers = new Map(rows.map((r) => [r.id, r.number]));
          }
          const { rows: fresh } = await app.pool.query<{ id: number; number: number }>('SELECT id, number FROM clients WHERE id > $1', [
            Math.max(0, ...clientNumbers.keys()),
          ]);
          for (const r of fresh) clientNumbers.set(r.id, r.number);
          // Heads too: they work what the escalations put on their own list, up to `workload.head`.
          const workers = people;
          await driver.timed('people', async () => {
            const ctx = { world, settings: peopleSettings, seed: o.seed, rng: peopleRng, day, clientNumbers, atOnce: PEOPLE_AT_ONCE };
            work.push(...(await workTeamDay(app, ctx, workers)));
          });
          await driver.timed('people: queue', () => driver.settle(at));
          const team = people;
          moved += await driver.timed('heads', () => actOnOverflow(app, team, peopleSettings, at));
          await driver.timed('heads: queue', () => driver.settle(at));
        }
        const end = zonedTime(day, 20, 0, tz);
        driver.setMoment(end);
        await driver.timed('end of day: queue', () => driver.settle(end));
        const b = await driver.timed('invariants', () => checkInvariants(app, end, inbox));
        if (b) broken = { ...b, day };
        // The month's end: its rows per table and the database's size.
        if (addDays(day, 1).endsWith('-01') || (w === o.weeks - 1 && d === 6)) {
          const rows = await driver.timed('figures', () => rowsPerTable(app));
          months.push({ month: day.slice(0, 7), disconnections: monthDisconnections, rows });
          sizes.push({ month: day.slice(0, 7), bytes: await databaseBytes(app) });
          monthDisconnections = 0;
        }
        daySeconds.push((performance.now() - dayStarted) / 1000);
      }
      // Sunday night: the world lives its week (what the CRM exports on Monday).
      const worldStarted = performance.now();
      const lived = world.week(monday);
      driver.phaseSeconds.world = (driver.phaseSeconds.world ?? 0) + (performance.now() - worldStarted) / 1000;
      for (const n of lived.disconnected) leftOn.set(n, addDays(monday, 6));
      monthDisconnections += lived.disconnected.length;
      const weekEnd = zonedTime(addDays(monday, 7), 0, 0, tz);
      const monthStart = zonedTime(`${addDays(monday, 6).slice(0, 7)}-01`, 0, 0, tz);
      const fromDb = await driver.timed('figures', () => weekFromDb(app, { weekStart, weekEnd, monthStart }));
      const largest = work.reduce((a, b) => (b.planned > a.planned ? b : a), work[0] ?? { planned: 0, capacity: 0 });
      const figures: WeekFigures = {
        week: periodOf('isoweek', zonedTime(monday, 12, 0, tz), tz),
        monday,
        ...fromDb,
        largestPlan: largest.planned,
        largestPlanCapacity: largest.capacity,
        overflow: work.reduce((s, x) => s + x.overflow, 0),
        disconnected: lived.disconnected.length,
        shocks: lived.shocks,
        moved,
      };
      weeks.push(figures);
      jobSeconds.push(driver.jobSeconds);
      o.onWeek?.(figures, w);
    }
    o.onProgress?.(totalDays, totalDays, 'done');
    // The month still open at the end keeps the disconnections of the last week.
    const last = months.at(-1);
    if (last) last.disconnections += monthDisconnections;
    const runEnd = addDays(o.start, 7 * o.weeks);
    const horizon = Math.max(1, Math.min(13, Math.floor(o.weeks / 2)));
    const figures: SimFigures = {
      settings: {
        clients: o.clients,
        weeks: o.weeks,
        seed: o.seed,
        remote: o.remote,
        field: o.field,
        start: o.start,
        capacity: config.workload.remote,
      },
      weeks,
      months,
      totals: {
        disconnections: leftOn.size,
        closed: weeks.reduce((s, x) => s + x.closed, 0),
        alerts: weeks.reduce((s, x) => s + x.alerts, 0),
        prediction: await predictions(app, leftOn, runEnd, horizon),
        uplift: await uplift(app, leftOn, runEnd, horizon),
      },
      invariants: { broken, steadyState: steadyStateWarning(weeks) },
    };
    return {
      figures,
      measures: { seconds: (Date.now() - started) / 1000, sizes, jobSeconds, phaseSeconds: driver.phaseSeconds, daySeconds },
    };
  } finally {
    await driver.vacuumed();
    await workers.close(10_000);
    await app.close();
    setClock(null);
  }
}
