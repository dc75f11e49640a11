/**
 * Production is every run that the demo or the tests do not mark (CHURNGUARD_RUN=demo|test),
 * and any run with NODE_ENV=production: there the service and the admin script stop at once,
 * exit code 2, naming the variable, when a secret is missing or weak or SMTP_URL is unset.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createTestEnv, type TestEnv } from './helpers/env.js';
import { killAll, runAdmin, spawnNode } from './helpers/process.js';

afterEach(killAll);

const STRONG = 'Xq3v9LrT2mWc8ZpK5sNd7HyB4jFg6AeU1oPi';
const STRONG_OLD = 'old0Xq3v9LrT2mWc8ZpK5sNd7HyB4jFg6AeU';
/** A production environment that passes; each case breaks one thing. `CHURNGUARD_RUN: ''` undoes the tests' mark. */
const GOOD: Record<string, string> = {
  CHURNGUARD_RUN: '',
  NODE_ENV: '',
  TRACKING_SECRET: `k2:${STRONG},k1:${STRONG_OLD}`,
  ADMIN_TOKEN: STRONG,
  SMTP_URL: 'smtp://relay.example:587',
  DATABASE_URL: 'postgres://root@127.0.0.1:5432/cg_never_created',
};

const CASES: { name: string; env: Record<string, string>; message: RegExp }[] = [
  { name: 'TRACKING_SECRET unset', env: { TRACKING_SECRET: '' }, message: /TRACKING_SECRET: not set/ },
  {
    name: 'TRACKING_SECRET the public development value',
    env: { TRACKING_SECRET: 'churnguard-development-secret-change-me' },
    message: /TRACKING_SECRET: a public default value/,
  },
  {
    name: 'TRACKING_SECRET the old docker-compose value',
    env: { TRACKING_SECRET: 'change-me-to-a-long-random-secret' },
    message: /TRACKING_SECRET: a public default value/,
  },
  { name: 'TRACKING_SECRET of 31 characters', env: { TRACKING_SECRET: STRONG.slice(0, 31) }, message: /TRACKING_SECRET: too short/ },
  {
    name: 'a short second key',
    env: { TRACKING_SECRET: `k2:${STRONG},k1:short-old-key-16ch` },
    message: /TRACKING_SECRET key "k1": too short/,
  },
  { name: 'ADMIN_TOKEN x', env: { ADMIN_TOKEN: 'x' }, message: /ADMIN_TOKEN: too short/ },
  { name: 'ADMIN_TOKEN of 31 characters', env: { ADMIN_TOKEN: STRONG.slice(0, 31) }, message: /ADMIN_TOKEN: too short/ },
  { name: 'SMTP_URL unset', env: { SMTP_URL: '' }, message: /SMTP_URL: not set/ },
  {
    name: 'DKIM_PRIVATE_KEY that is not a PEM key',
    env: { DKIM_PRIVATE_KEY: `-----BEGIN PRIVATE KEY-----\n${STRONG}\n-----END PRIVATE KEY-----\n` },
    message: /DKIM_PRIVATE_KEY: not a PEM private key/,
  },
  {
    name: 'NODE_ENV=production even when marked as a test',
    env: { NODE_ENV: 'production', CHURNGUARD_RUN: 'test', SMTP_URL: '' },
    message: /SMTP_URL: not set/,
  },
];

/** Each variable once as a real process (a start costs seconds on a busy machine); every case above in-process. */
const AT_START: { script: 'service' | 'admin'; name: string }[] = [
  { script: 'service', name: 'TRACKING_SECRET unset' },
  { script: 'service', name: 'SMTP_URL unset' },
  { script: 'service', name: 'DKIM_PRIVATE_KEY that is not a PEM key' },
  { script: 'admin', name: 'ADMIN_TOKEN x' },
  { script: 'admin', name: 'TRACKING_SECRET the public development value' },
];

describe('production refuses to start without its secrets', () => {
  it.each(CASES)('the configuration is refused on $name', (c) => {
    expect(() => loadConfig({ env: { ...GOOD, ...c.env } })).toThrow(c.message);
  });

  it('the service and the admin script exit 2 at start, naming the variable', async () => {
    const runs = AT_START.map(async ({ script, name }) => {
      const c = CASES.find((x) => x.name === name) as (typeof CASES)[number];
      if (script === 'service') {
        const child = spawnNode('src/main.ts', [], { ...GOOD, ...c.env }, 240_000);
        return { c, what: script, code: await child.exited, output: child.output() };
      }
      const res = await runAdmin(['status'], { ...GOOD, ...c.env });
      return { c, what: script, code: res.code, output: res.stderr };
    });
    for (const r of await Promise.all(runs)) {
      expect(r.code, `${r.what}: ${r.c.name}`).toBe(2);
      expect(r.output, `${r.what}: ${r.c.name}`).toMatch(r.c.message);
      // No secret is echoed back.
      expect(r.output).not.toContain(STRONG);
    }
  }, 300_000);

  it('an unknown CHURNGUARD_RUN is an error, not a way round the checks', () => {
    expect(() => loadConfig({ env: { ...GOOD, CHURNGUARD_RUN: 'dev' } })).toThrow(/CHURNGUARD_RUN: "dev"/);
  });

  it('reads several tracking keys, the first one signing', () => {
    const c = loadConfig({ env: GOOD });
    expect(c.env.run).toBe('production');
    expect(c.env.trackingSecret).toEqual([STRONG, STRONG_OLD]);
    expect(loadConfig({ env: { ...GOOD, TRACKING_SECRET: STRONG } }).env.trackingSecret).toEqual([STRONG]);
  });

  it('lets the demo and the tests run with no secret and no SMTP_URL', () => {
    for (const run of ['demo', 'test']) {
      const c = loadConfig({ env: { CHURNGUARD_RUN: run } });
      expect(c.env.run).toBe(run);
      expect(c.env.smtpUrl).toBeNull();
      expect(c.env.trackingSecret).toEqual(['churnguard-development-secret-change-me']);
    }
  });
});

describe('production with its secrets set', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the admin script runs', { timeout: 240_000 }, async () => {
    const res = await runAdmin(['status'], { ...t.env, ...GOOD, DATABASE_URL: t.env.DATABASE_URL as string });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });
});
