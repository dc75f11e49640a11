import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { validateSchedules } from '../src/queue/schedules.js';
import { killAll, runAdmin, spawnNode } from './helpers/process.js';

afterEach(killAll);

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('loads the defaults with the documented environment defaults', () => {
    const c = loadConfig({ env: { CHURNGUARD_RUN: 'test' } });
    expect(c.ric.timeZone).toBe('Europe/Moscow');
    expect(c.env.databaseUrl).toBe('postgres://root@127.0.0.1:5432/churnguard');
    expect(c.env.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.env.smtpUrl).toBeNull();
    expect(c.env.adminToken).toBeNull();
    expect(c.env.roles).toEqual(['scheduler', 'worker', 'http']);
    expect(c.calendar.holidays).toContain('2025-06-13');
  });

  it('names an unknown key', () => {
    expect(configError(() => loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides: { queues: { atempts: 3 } } }))).toMatch(
      /unknown key "queues\.atempts"/,
    );
  });

  it('takes keys starting with // as comments, in the defaults and in CONFIG_FILE, and still refuses a misspelt key', () => {
    const file = join(tmpdir(), `cg-config-comments-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ signals: { '//noKeyContactDays': 'our desk calls every six weeks', noKeyContactDays: 45 } }));
    const c = loadConfig({ env: { CHURNGUARD_RUN: 'test', CONFIG_FILE: file } });
    expect(c.signals.noKeyContactDays).toBe(45);
    expect(Object.keys(c.signals).some((k) => k.startsWith('//'))).toBe(false);
    expect(Object.keys(c.risk.categories).some((k) => k.startsWith('//'))).toBe(false);
    writeFileSync(file, JSON.stringify({ signals: { '/noKeyContactDays': 'one slash is not a comment' } }));
    expect(configError(() => loadConfig({ env: { CHURNGUARD_RUN: 'test', CONFIG_FILE: file } }))).toMatch(
      /unknown key "signals\.\/noKeyContactDays"/,
    );
  });

  it('names a key of the wrong form and the expected form', () => {
    const msg = configError(() => loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides: { ric: { timeZone: 'Mars/Olympus' } } }));
    expect(msg).toMatch(/ric\.timeZone: expected an IANA time zone/);
    expect(
      configError(() => loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides: { schedules: { housekeeping: '61 * * * *' } } })),
    ).toMatch(/schedules\.housekeeping: expected a cron expression/);
    expect(
      configError(() => loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides: { calendar: { holidays: ['2024-13-01x'] } } })),
    ).toMatch(/calendar\.holidays\.0: expected a date YYYY-MM-DD/);
  });

  it('names a bad environment variable', () => {
    expect(configError(() => loadConfig({ env: { CHURNGUARD_RUN: 'test', PORT: 'eighty' } }))).toMatch(
      /PORT: "eighty" is not a port number/,
    );
    expect(configError(() => loadConfig({ env: { CHURNGUARD_RUN: 'test', ROLES: 'worker,cook' } }))).toMatch(/ROLES: unknown role "cook"/);
    expect(configError(() => loadConfig({ env: { CHURNGUARD_RUN: 'test', DATABASE_URL: 'mysql://x/y' } }))).toMatch(
      /DATABASE_URL: "mysql:" is not allowed/,
    );
  });

  it('rejects a schedule for a job that does not exist', () => {
    const c = loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides: { schedules: { 'risk-scroe': '0 7 * * 1' } } });
    expect(configError(() => validateSchedules(c))).toMatch(/unknown key "schedules\.risk-scroe"/);
  });

  it('stops the service at start-up with exit code 2 naming the key', async () => {
    const file = join(tmpdir(), `cg-bad-config-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ queues: { attempts: 'five' } }));
    const child = spawnNode('src/main.ts', [], { CONFIG_FILE: file, DATABASE_URL: 'postgres://root@127.0.0.1:5432/never_created' });
    expect(await child.exited).toBe(2);
    expect(child.output()).toMatch(/queues\.attempts/);
  });

  it('makes the admin script exit 2 on an invalid configuration', async () => {
    const file = join(tmpdir(), `cg-bad-config2-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ smtp: { ratePerMinute: 0 }, colour: 'blue' }));
    const res = await runAdmin(['status'], { CONFIG_FILE: file });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/smtp\.ratePerMinute/);
    expect(res.stderr).toMatch(/unknown key "colour"/);
  });
});
