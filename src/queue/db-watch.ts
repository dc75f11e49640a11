/**
 * Watching PostgreSQL from a worker process (issue 25). A dedicated connection asks `SELECT 1`
 * every `database.probeMs`; when it gets no answer the workers pause (no new jobs, so the
 * answers held in memory stay within the concurrency) and when it answers again they resume —
 * logged once each way with the outage's length, counted in the metrics, and recorded in
 * `db_outages` for `status`. Jobs already running wait here (`whenUp`) rather than use up
 * their retries against a database that is away.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import type { App } from '../app.js';
import { recordOutage } from '../db/outages.js';
import { isConnectionError } from '../db/pool.js';
import { heldOutcomes } from '../mail/held-outcome.js';
import { counter, gauge } from '../metrics.js';

const up = gauge('churnguard_postgres_up', 'Whether PostgreSQL answered this worker process at its last probe (1) or not (0).');
const pausedSeconds = counter(
  'churnguard_workers_paused_seconds_total',
  'Seconds this process kept its workers paused because PostgreSQL did not answer.',
);
const outages = counter('churnguard_database_outages_total', 'PostgreSQL outages this worker process paused for.');

export interface Outage {
  startedAt: Date;
  endedAt: Date;
  heldOutcomes: number;
}

export interface WatchHooks {
  /** PostgreSQL stopped answering. */
  down(): Promise<void> | void;
  /** It answers again. */
  up(outage: Outage): Promise<void> | void;
}

export class DatabaseWatch {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private probing: Promise<boolean> | null = null;
  private downSince: Date | null = null;
  private lastTick = 0;
  /** Probes in a row that got no answer. */
  private failures = 0;
  /** Answers held since this process started, as of the last answered probe: an outage's own are those held after it. */
  private heldAtLastAnswer = 0;
  private lastDownAt: Date | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly app: App,
    private readonly hooks: WatchHooks,
  ) {}

  start(): void {
    up.set(1);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.probing?.catch(() => {});
    await this.client?.end().catch(() => {});
    this.client = null;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Whether PostgreSQL is taken to be down now. */
  get isDown(): boolean {
    return this.downSince !== null;
  }

  /** When the current outage (or, when up, the last one) began; null if none was seen. */
  get outageStartedAt(): Date | null {
    return this.downSince ?? this.lastDownAt;
  }

  /** Resolves once PostgreSQL answers (at once when it does), or when the watch stops. */
  whenUp(): Promise<void> {
    if (!this.downSince || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ask PostgreSQL now (one probe at a time); true when it answers. */
  probe(): Promise<boolean> {
    this.probing ??= this.ask().finally(() => {
      this.probing = null;
    });
    return this.probing;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.probe().finally(() => this.schedule());
    }, this.app.config.database.probeMs);
    this.timer.unref();
  }

  private async ask(): Promise<boolean> {
    let ok = false;
    try {
      if (!this.client) {
        const { probeTimeoutMs } = this.app.config.database;
        const client = new pg.Client({
          connectionString: this.app.config.env.databaseUrl,
          application_name: 'churnguard-watch',
          connectionTimeoutMillis: probeTimeoutMs,
          query_timeout: probeTimeoutMs,
        });
        // A connection cut while idle: the next probe opens a new one.
        client.on('error', () => {
          if (this.client === client) this.client = null;
          client.end().catch(() => {});
        });
        this.client = client;
        await client.connect();
      }
      await this.client.query('SELECT 1');
      ok = true;
    } catch (err) {
      const client = this.client;
      this.client = null;
      await client?.end().catch(() => {});
      // Refused or cut: down at once. Only slow (a busy machine, a long lock): down when the
      // next probe is no better, so one slow answer does not pause the workers.
      const hard = isConnectionError(err) && !/timeout/i.test((err as Error).message ?? '');
      this.failures++;
      this.app.log.debug({ err, failures: this.failures }, 'database probe failed');
      if (!hard && this.failures < 2 && !this.downSince) return false;
    }
    if (this.stopped) return ok;
    if (ok) this.failures = 0;
    await (ok ? this.answered() : this.unanswered());
    return ok;
  }

  private async unanswered(): Promise<void> {
    const t = Date.now();
    if (this.downSince) {
      pausedSeconds.inc({}, (t - this.lastTick) / 1000);
      this.lastTick = t;
      return;
    }
    this.downSince = new Date(t);
    this.lastTick = t;
    up.set(0);
    outages.inc();
    this.app.log.warn('PostgreSQL does not answer: workers paused, no new jobs taken until it does');
    await Promise.resolve(this.hooks.down()).catch((err) => this.app.log.warn({ err }, 'pausing the workers failed'));
  }

  private async answered(): Promise<void> {
    if (!this.downSince) {
      this.heldAtLastAnswer = heldOutcomes().total;
      return;
    }
    const t = Date.now();
    pausedSeconds.inc({}, (t - this.lastTick) / 1000);
    const outage: Outage = { startedAt: this.downSince, endedAt: new Date(t), heldOutcomes: heldOutcomes().total - this.heldAtLastAnswer };
    this.heldAtLastAnswer = heldOutcomes().total;
    this.lastDownAt = this.downSince;
    this.downSince = null;
    up.set(1);
    const outageMs = t - outage.startedAt.getTime();
    this.app.log.warn(
      { outageMs, heldOutcomes: outage.heldOutcomes },
      `PostgreSQL answers again after ${(outageMs / 1000).toFixed(1)} s: workers resumed`,
    );
    for (const w of this.waiters.splice(0)) w();
    await Promise.resolve(this.hooks.up(outage)).catch((err) => this.app.log.warn({ err }, 'resuming the workers failed'));
    await recordOutage(this.app.pool, OBSERVER, outage).catch((err) => this.app.log.warn({ err }, 'could not record the outage'));
  }
}

export const OBSERVER = `${hostname()}:${process.pid}`;
