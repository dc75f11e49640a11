/**
 * The one configuration module. `loadConfig()` reads `config/default.json`, an optional
 * override file (`CONFIG_FILE`), and the environment once, validates everything, and
 * returns a typed, frozen {@link AppConfig}. Nothing else reads `process.env`.
 *
 * An invalid or unknown key throws {@link ConfigError}, whose message names the key and
 * the expected form; entry points turn it into exit code 2.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { z } from 'zod';
import { diagnosticsConfigSchema } from './diagnostics/config.js';
import { playbooksConfigSchema, riskConfigSchema, signalsConfigSchema } from './domain/health-config.js';
import { type DkimKey, dkimKeyFromEnv, dkimPairingProblem } from './mail/dkim-key.js';
import { tlsParamProblem } from './mail/tls.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isValidTimeZone, 'expected an IANA time zone, e.g. Europe/Moscow');

/** A cron expression (minute hour day month weekday, optionally seconds first), or null to disable. */
const cronExpr = z
  .string()
  .refine(
    (s) => [5, 6].includes(s.trim().split(/\s+/).length) && cron.validate(s),
    'expected a cron expression "minute hour day month weekday", e.g. "0 7 * * 1"',
  );

const positiveInt = z.number().int().positive();

/** A DNS name of two labels or more (letters, digits, hyphens; no trailing dot). */
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
/** A DKIM selector (RFC 6376 3.1: sub-domain labels). */
const DKIM_SELECTOR = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const schema = z.strictObject({
  ric: z.strictObject({
    /** The RIC's code as the CRM writes it, e.g. `РИЦ502`. */
    code: z.string().min(1),
    name: z.string().min(1),
    /** Periods, schedules and working days are computed in this zone. */
    timeZone,
  }),
  /** Job name → cron expression in the RIC's time zone; null disables the schedule. */
  schedules: z.record(z.string(), cronExpr.nullable()),
  queues: z.strictObject({
    attempts: positiveInt,
    /** First retry delay; BullMQ doubles it on every further attempt. */
    backoffMs: positiveInt,
    keepCompleted: z.number().int().nonnegative(),
    keepFailed: z.number().int().nonnegative(),
    lockDurationMs: positiveInt,
    stalledIntervalMs: positiveInt,
    /** Job name → worker concurrency; `default` for the rest. */
    concurrency: z.record(z.string(), positiveInt).refine((r) => 'default' in r, 'expected a "default" entry'),
  }),
  runs: z.strictObject({
    /** A running run whose heartbeat is older than this may be taken over. */
    leaseMs: positiveInt,
    heartbeatMs: positiveInt,
  }),
  catchUp: z.strictObject({ intervalMinutes: positiveInt }),
  shutdown: z.strictObject({ graceMs: positiveInt }),
  /** The outbox's side of a PostgreSQL outage (issue 25). */
  outbox: z.strictObject({
    /**
     * A relay's answer (accepted, refused, try later) the worker cannot write is kept in memory
     * and written again with backoff for this long; only then does its row become `unknown`.
     */
    outcomeRetryMinutes: positiveInt.default(30),
  }),
  /** Watching PostgreSQL from worker processes: no job is taken while it does not answer. */
  database: z.strictObject({
    /** How often a worker process asks PostgreSQL whether it answers (a dedicated connection). */
    probeMs: positiveInt.default(1000),
    /** A probe unanswered for this long counts as PostgreSQL down. */
    probeTimeoutMs: positiveInt.default(3000),
  }),
  smtp: z.strictObject({
    /** Global limit across all worker processes (BullMQ's Redis-backed limiter). */
    ratePerMinute: positiveInt,
    poolSize: positiveInt,
    timeoutMs: positiveInt,
    from: z.string().min(3),
    replyTo: z.string().min(3).nullable(),
    /** Domain of the VERP envelope sender `bounce+<id>.<sig>@<bounceDomain>`. */
    bounceDomain: z.string().min(3),
    messageIdDomain: z.string().min(3),
    /**
     * DKIM signing of every message (src/mail/dkim.ts) with the key in DKIM_PRIVATE_KEY or
     * DKIM_PRIVATE_KEY_FILE; null: not signed here (the relay may sign). `admin mail dns`
     * prints the records to publish.
     */
    dkim: z
      .strictObject({
        /** The signing domain (`d=`); DMARC wants it aligned with the From address's domain. */
        domain: z.string().regex(DOMAIN_NAME, 'expected a domain name, e.g. "ric502.ru"'),
        /** The selector (`s=`): the key is published at `<selector>._domainkey.<domain>`. */
        selector: z.string().regex(DKIM_SELECTOR, 'expected a selector of letters, digits and hyphens, e.g. "cg2024"'),
      })
      .nullable()
      .default(null),
  }),
  /** The monthly two-stage contact with decision makers (ЛПР): e-mail, then the specialist's call. */
  lpr: z.strictObject({
    /** Influencers (ЛВПР) get the e-mail too. */
    includeLvpr: z.boolean(),
    /** Months between two e-mails to one contact unless the contact has its own frequency. */
    defaultFrequencyMonths: z.number().int().min(1).max(24),
    /** A mailing created on a day off starts sending at this hour of the next working day (RIC time). */
    sendHour: z.number().int().min(0).max(23),
    /** TOP questions per e-mail at most. */
    maxTopQuestions: positiveInt,
    /** The hidden honeypot link every e-mail carries (a click on it is a bot's); must differ from content URLs. */
    honeypotUrl: z.url({ protocol: /^https?$/ }),
    /** The call task comes this many working days after the e-mail was sent. */
    callAfterWorkingDays: z.number().int().min(1).max(20),
    /** …and is due this many working days later, at 18:00. */
    callDueWorkingDays: z.number().int().min(0).max(20),
    /** Messages sent longer ago than this get no call task any more (a long outage of the job). */
    callLookbackDays: positiveInt,
    /**
     * The month's wave puts a decision maker's call at least this many days after their last
     * answered call, or the call that last month's e-mail already has coming (a client whose
     * zone rose is not called again a week after last month's call); 0 turns it off.
     */
    minDaysBetweenCalls: z.number().int().min(0).max(60),
    /** A content workbook (`content load`, the diary's upload) is refused when its parts unpack to more than this many bytes. */
    maxContentXlsxBytes: positiveInt,
  }),
  /** The click redirect `/c/<token>` (issue 6). */
  clicks: z.strictObject({
    /** Link id → URL entries kept in memory, so a redirect does not ask PostgreSQL. */
    linkCacheSize: positiveInt,
    /** Click events held in memory while PostgreSQL is slow or down; more are counted and dropped. */
    bufferSize: positiveInt,
    /** Rows per multi-row INSERT. */
    batchSize: positiveInt,
    flushIntervalMs: positiveInt,
    /** A link not in the cache waits this long for PostgreSQL, then gets a 503 page. */
    lookupTimeoutMs: positiveInt,
    /** Longest pause between flush attempts while PostgreSQL is down. */
    retryMaxMs: positiveInt,
  }),
  /** Bot-click rules of the click-check job. */
  botClicks: z.strictObject({
    /** Case-insensitive substrings of user agents of link scanners and previewers. */
    scannerUserAgents: z.array(z.string().min(2)),
    /** A click without a User-Agent header is a program's. */
    emptyUserAgentIsBot: z.boolean(),
    /** A click this soon after the message's delivery is a scanner's. */
    secondsAfterDelivery: z.number().nonnegative(),
    /** This many distinct links of one message hit within `burstWindowSeconds` are a scanner's. */
    burstLinks: z.number().int().min(2),
    burstWindowSeconds: z.number().positive(),
    /** A contact with no human click in its last N delivered mailings is disengaged. */
    disengagedAfterMailings: positiveInt,
    /** A mailing delivered less than this many days ago does not count yet. */
    engagementGraceDays: z.number().int().nonnegative(),
  }),
  /** The bounce mailbox read by delivery-check. */
  bounces: z.strictObject({
    /** Suppress after this many soft bounces among the contact's last `softWindow` messages. */
    softLimit: positiveInt,
    softWindow: positiveInt,
    /** Messages read from the inbox per run; the rest wait for the next run. */
    maxPerRun: positiveInt,
    processedFolder: z.string().min(1),
    reviewFolder: z.string().min(1),
    timeoutMs: positiveInt,
  }),
  imports: z.strictObject({
    /**
     * The inbox job looks at each file twice, this long apart: a file whose size or mtime
     * changed in between is still being written and is left for the next run.
     */
    inboxSettleMs: z.number().int().nonnegative(),
    /** An .xlsx import is refused when its parts unpack to more than this many bytes (zip bombs). */
    maxXlsxBytes: positiveInt,
    /** An .xlsx import is refused when its first worksheet has more rows than this. */
    maxXlsxRows: positiveInt,
    /**
     * The scheduler role watches `var/inbox/<kind>/` by file-system events and asks for an
     * import-inbox run this many ms after the last event (the quarter-hour schedule stays the fallback).
     * 0 turns the watch off.
     */
    inboxWatchDebounceMs: z.number().int().nonnegative(),
  }),
  calendar: z.strictObject({
    /** Non-working weekdays: public holidays and days off moved onto a weekday. */
    holidays: z.array(isoDate),
    /** Saturdays and Sundays that are working days by transfer. */
    workingWeekends: z.array(isoDate),
  }),
  /** The weekly risk indicator, categories and risk-review tasks (src/health/config.ts). */
  risk: riskConfigSchema,
  /** Worsening signals and their hand-off to field support (src/health/config.ts). */
  signals: signalsConfigSchema,
  /** Rules turning zones and categories into tasks (src/health/playbooks.ts). */
  playbooks: playbooksConfigSchema,
  /** The twice-yearly competitor diagnostics campaign (src/diagnostics/config.ts). */
  diagnostics: diagnosticsConfigSchema,
  /** The specialist's diary (`GET /diary`). */
  diary: z.strictObject({
    /** A browser stays signed in this long after the sign-in link was opened. */
    sessionHours: z
      .number()
      .positive()
      .max(24 * 31),
    /** Tasks listed per specialist at most (a head sees this many per member); the rest are counted. */
    maxTasks: positiveInt,
    /** A sign-in link works once, and only this long after it was issued. */
    tokenHours: z
      .number()
      .positive()
      .max(24 * 31),
    /** Heads (full names) who see every department in the diary's reports; the other heads see their own. */
    reportsAllDepartments: z.array(z.string().trim().min(1)).default([]),
    /** Departments (names) whose heads prepare the month's e-mail content at /diary/content/<YYYY-MM>. */
    contentDepartments: z.array(z.string().trim().min(1)).default([]),
  }),
  /** How much work a person's day holds (src/domain/plan.ts): the planner never plans past it. */
  workload: z.strictObject({
    /** Client calls per working day of a remote specialist (ДИС). */
    remote: z.number().int().min(0).max(1000),
    /** Client visits or calls per working day of a field specialist (ТС). */
    field: z.number().int().min(0).max(1000),
    /** Client contacts per working day of a head of department (work handed to the head). */
    head: z.number().int().min(0).max(1000),
    /** Share of each day kept free for what comes up during it (signal and finding hand-offs). */
    reserveShare: z.number().min(0).max(0.9),
    /** A task without a deadline of its own is due this many working days after it starts. */
    defaultDueWorkingDays: z.number().int().min(0).max(60),
  }),
  /** The daily `crm-export` job (src/exports/crm-daily.ts). */
  crmExport: z
    .strictObject({
      /** Where the day's files go: null → `var/outbox/crm`; a relative path is taken from `var/`. */
      folder: z.string().trim().min(1).nullable().default(null),
    })
    .default({ folder: null }),
});

export type FileConfig = z.infer<typeof schema>;

export type Role = 'scheduler' | 'worker' | 'http';
export const ALL_ROLES: readonly Role[] = ['scheduler', 'worker', 'http'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Who is running: `production` unless the demo or the test helpers say otherwise with
 * `CHURNGUARD_RUN=demo|test` (`NODE_ENV=production` always means production). Only outside
 * production may secrets be missing (a development tracking key, the embedded SMTP sink).
 */
export type RunKind = 'production' | 'demo' | 'test';

/** Tracking keys given in `TRACKING_SECRET` (`kid1:secret1,kid2:secret2`): the first signs, all verify. */
export type TrackingKeys = readonly string[];

/** Values of TRACKING_SECRET that are public (this repository's defaults and examples): refused in production. */
export const KNOWN_TRACKING_SECRETS: readonly string[] = [
  'churnguard-development-secret-change-me',
  'change-me-to-a-long-random-secret',
  'test-tracking-secret-0123456789',
  'test-tracking-secret-0123456789-0123456789',
  'change-me',
];

/** Production secrets at least this long (TRACKING_SECRET's keys, ADMIN_TOKEN, METRICS_TOKEN). */
export const MIN_SECRET_LENGTH = 32;

export interface EnvConfig {
  run: RunKind;
  databaseUrl: string;
  redisUrl: string;
  /**
   * Unset → the embedded SMTP sink writing `.eml` files under `var/mail/` (demo and tests only).
   * TLS is required (STARTTLS or smtps:) unless the URL ends in `?tls=off`.
   */
  smtpUrl: string | null;
  publicBaseUrl: string;
  /** The tracking keys; the first signs (see {@link TrackingKeys}). */
  trackingSecret: TrackingKeys;
  /** Unset → admin routes refuse to run. */
  adminToken: string | null;
  /** Set → `/metrics` wants `Authorization: Bearer <METRICS_TOKEN>`. */
  metricsToken: string | null;
  /** Bull Board may change queues (retry, delete, obliterate) only with BOARD_WRITE=true. */
  boardWrite: boolean;
  /** TLS required unless the URL ends in `?tls=off`, as SMTP_URL. */
  imapUrl: string | null;
  port: number;
  /** The address the HTTP server binds (HOST; default 127.0.0.1). */
  host: string;
  roles: Role[];
  logLevel: (typeof LOG_LEVELS)[number];
  /** False when LOG_LEVEL is unset: the admin script then logs warnings only. */
  logLevelSet: boolean;
  /**
   * Trust X-Forwarded-For from these proxies (Fastify's trustProxy: a comma-separated list of
   * addresses/CIDRs, or `true`); unset → the socket address is the client's (click IP prefixes
   * cannot be forged by a header).
   */
  trustProxy: string | boolean;
  /** Redis key prefix for every queue; `{…}` keeps all keys in one Cluster slot. */
  queuePrefix: string;
  /** Where `var/` lives: mail sink, inbox, reports. */
  varDir: string;
  /** Fixed start of the clock (tests, demo); unset → the system time. */
  now: Date | null;
  /** The database `npm run demo` drops and recreates (never DATABASE_URL). */
  demoDatabaseUrl: string;
  /** DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, checked; null: no signing (see `smtp.dkim`). */
  dkimKey: DkimKey | null;
}

export type AppConfig = Readonly<FileConfig & { env: EnvConfig; source: string }>;

type Env = Record<string, string | undefined>;

function envConfig(env: Env): EnvConfig {
  const problems: string[] = [];
  const url = (key: string, fallback: string | null, protocols: string[]): string | null => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${key}: "${u.protocol}" is not allowed (expected ${protocols.join(' or ')} URL)`);
      }
      return raw;
    } catch {
      problems.push(`${key}: not a URL (expected e.g. ${protocols[0]}//host:port)`);
      return fallback;
    }
  };
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT: "${env.PORT}" is not a port number (expected 0..65535)`);
  }
  const roles = (env.ROLES ?? 'scheduler,worker,http')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of roles) {
    if (!ALL_ROLES.includes(r as Role))
      problems.push(`ROLES: unknown role "${r}" (expected a comma-separated subset of ${ALL_ROLES.join(',')})`);
  }
  const logLevel = (env.LOG_LEVEL ?? 'info') as EnvConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: "${logLevel}" (expected one of ${LOG_LEVELS.join(', ')})`);
  const runFlag = env.CHURNGUARD_RUN ?? '';
  if (runFlag !== '' && runFlag !== 'demo' && runFlag !== 'test') {
    problems.push(`CHURNGUARD_RUN: "${runFlag}" (expected demo or test, or unset for production)`);
  }
  const run: RunKind = env.NODE_ENV === 'production' || (runFlag !== 'demo' && runFlag !== 'test') ? 'production' : runFlag;
  const production = run === 'production';
  const trackingSecret = trackingKeys(env.TRACKING_SECRET ?? '', production, problems);
  const adminToken = env.ADMIN_TOKEN ? env.ADMIN_TOKEN : null;
  if (adminToken !== null && production && adminToken.length < MIN_SECRET_LENGTH) {
    problems.push(`ADMIN_TOKEN: too short (expected at least ${MIN_SECRET_LENGTH} random characters, or unset)`);
  }
  const metricsToken = env.METRICS_TOKEN ? env.METRICS_TOKEN : null;
  if (metricsToken !== null && production && metricsToken.length < MIN_SECRET_LENGTH) {
    problems.push(`METRICS_TOKEN: too short (expected at least ${MIN_SECRET_LENGTH} random characters, or unset)`);
  }
  const host = env.HOST ?? '127.0.0.1';
  if (host === '' || /\s/.test(host)) problems.push(`HOST: "${host}" is not an address to bind (expected e.g. 127.0.0.1 or 0.0.0.0)`);
  let now: Date | null = null;
  if (env.CHURNGUARD_NOW) {
    now = new Date(env.CHURNGUARD_NOW);
    if (Number.isNaN(now.getTime())) problems.push(`CHURNGUARD_NOW: "${env.CHURNGUARD_NOW}" is not an ISO date-time`);
  }
  const prefix = env.QUEUE_PREFIX ?? '{cg}';
  if (prefix.includes(':')) problems.push('QUEUE_PREFIX: must not contain ":"');
  const databaseUrl = url('DATABASE_URL', 'postgres://root@127.0.0.1:5432/churnguard', ['postgres:', 'postgresql:']) as string;
  const redisUrl = url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']) as string;
  const smtpUrl = url('SMTP_URL', null, ['smtp:', 'smtps:']);
  const imapUrl = url('IMAP_URL', null, ['imap:', 'imaps:']);
  for (const [key, value] of [
    ['SMTP_URL', smtpUrl],
    ['IMAP_URL', imapUrl],
  ] as const) {
    const problem = value ? tlsParamProblem(key, value) : null;
    if (problem) problems.push(problem);
  }
  if (smtpUrl === null && production) {
    problems.push('SMTP_URL: not set (the embedded SMTP sink is for the demo and the tests; set e.g. smtp://user:pass@relay:587)');
  }
  const publicBaseUrl = (url('PUBLIC_BASE_URL', `http://127.0.0.1:${port}`, ['http:', 'https:']) as string).replace(/\/+$/, '');
  const demoDatabaseUrl = url('DEMO_DATABASE_URL', 'postgres://root@127.0.0.1:5432/churnguard_demo', [
    'postgres:',
    'postgresql:',
  ]) as string;
  const dkimKey = dkimKeyFromEnv(env, problems);
  if (problems.length) throw new ConfigError(`invalid environment:\n  ${problems.join('\n  ')}`);
  return {
    run,
    databaseUrl,
    redisUrl,
    smtpUrl,
    publicBaseUrl,
    trackingSecret,
    adminToken,
    metricsToken,
    boardWrite: env.BOARD_WRITE === 'true',
    imapUrl,
    port,
    host,
    roles: roles as Role[],
    logLevel,
    logLevelSet: Boolean(env.LOG_LEVEL),
    trustProxy: env.TRUST_PROXY === 'true' ? true : env.TRUST_PROXY ? env.TRUST_PROXY : false,
    queuePrefix: prefix,
    varDir: resolve(env.VAR_DIR ?? join(PROJECT_ROOT, 'var')),
    now,
    demoDatabaseUrl,
    dkimKey,
  };
}

const KEY_ID = /^([A-Za-z0-9_-]{1,16}):(.+)$/s;

/**
 * TRACKING_SECRET: one secret, or `kid1:secret1,kid2:secret2` (the first signs, all verify, so
 * a new key goes first and the old one stays until the links it signed no longer matter).
 * Unset outside production → a fixed development key, so `npm run demo` works out of the box.
 */
function trackingKeys(raw: string, production: boolean, problems: string[]): TrackingKeys {
  if (raw === '') {
    if (production) problems.push(`TRACKING_SECRET: not set (expected at least ${MIN_SECRET_LENGTH} random characters)`);
    return [KNOWN_TRACKING_SECRETS[0] as string];
  }
  const keys: string[] = [];
  const ids = new Set<string>();
  for (const item of raw.split(',')) {
    const m = KEY_ID.exec(item.trim());
    const [kid, secret] = m ? [m[1] as string, m[2] as string] : ['', item.trim()];
    const name = kid ? `TRACKING_SECRET key "${kid}"` : 'TRACKING_SECRET';
    if (kid && ids.has(kid)) problems.push(`${name}: given twice`);
    ids.add(kid);
    if (secret === '') problems.push(`${name}: empty`);
    else if (KNOWN_TRACKING_SECRETS.includes(secret)) {
      if (production) problems.push(`${name}: a public default value (set your own random secret)`);
    } else if (secret.length < (production ? MIN_SECRET_LENGTH : 16)) {
      problems.push(`${name}: too short (expected at least ${production ? MIN_SECRET_LENGTH : 16} characters)`);
    }
    keys.push(secret);
  }
  return keys;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Override objects merge key by key; arrays and scalars replace. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read (${(err as Error).message})`);
  }
  try {
    return withoutComments(JSON.parse(text));
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * JSON has no comments: a key starting with `//` is one (`"//noKeyContactDays": "why 60 days"`),
 * dropped before validation at any depth.
 */
export function withoutComments(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutComments);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !k.startsWith('//'))
      .map(([k, x]) => [k, withoutComments(x)]),
  );
}

function describeIssue(source: string, issue: z.core.$ZodIssue): string {
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path ? `${path}.` : '';
    return `${source}: unknown key ${issue.keys.map((k) => `"${where}${k}"`).join(', ')} (remove it or check its spelling)`;
  }
  return `${source}: ${path || '(root)'}: ${issue.message}`;
}

export interface LoadOptions {
  /** The environment; process.env by default. */
  env?: Env;
  /** Variables set over the environment (the demo's own database and prefix). */
  envOverrides?: Env;
  /** Extra configuration merged over the files (tests). */
  overrides?: unknown;
}

export function loadConfig(opts: LoadOptions = {}): AppConfig {
  const env = { ...(opts.env ?? process.env), ...opts.envOverrides };
  const defaultPath = join(PROJECT_ROOT, 'config', 'default.json');
  let raw = readJson(defaultPath);
  let source = 'config/default.json';
  if (env.CONFIG_FILE) {
    raw = deepMerge(raw, readJson(env.CONFIG_FILE));
    source = `${source} + ${env.CONFIG_FILE}`;
  }
  if (opts.overrides !== undefined) raw = deepMerge(raw, opts.overrides);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration:\n  ${parsed.error.issues.map((i) => describeIssue(source, i)).join('\n  ')}`);
  }
  const envc = envConfig(env);
  const dkimProblem = dkimPairingProblem(parsed.data.smtp.dkim, envc.dkimKey);
  if (dkimProblem) throw new ConfigError(`invalid configuration:\n  ${source}: ${dkimProblem}`);
  return Object.freeze({ ...parsed.data, env: envc, source });
}
