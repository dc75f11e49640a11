/**
 * The what-if files the README's comparisons run (config/what-if/*.json): each reads as a
 * settings file and, merged over the shipped configuration, is a valid configuration that
 * changes what its name says.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/cli/commands/simulate.js';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { splitSettings } from '../../src/sim/options.js';

const DIR = join(PROJECT_ROOT, 'config', 'what-if');
const env = { DATABASE_URL: 'postgres://root@127.0.0.1:5432/test', CHURNGUARD_RUN: 'demo' };

describe('the shipped what-if files', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

  it('are the README’s comparisons, each a valid configuration over the shipped one', () => {
    expect(files.sort()).toEqual(['calls-gap-0.json', 'calls-gap-21.json', 'capacity-15.json', 'capacity-25.json']);
    for (const f of files) {
      const { service } = splitSettings(readSettings(join(DIR, f)));
      expect(() => loadConfig({ env, envOverrides: { CONFIG_FILE: '' }, overrides: service }), f).not.toThrow();
    }
  });

  it('change the setting their names give', () => {
    const of = (f: string) =>
      loadConfig({ env, envOverrides: { CONFIG_FILE: '' }, overrides: splitSettings(readSettings(join(DIR, f))).service });
    expect(of('capacity-15.json').workload.remote).toBe(15);
    expect(of('capacity-25.json').workload.remote).toBe(25);
    expect(of('calls-gap-0.json').lpr.minDaysBetweenCalls).toBe(0);
    expect(of('calls-gap-21.json').lpr.minDaysBetweenCalls).toBe(21);
    // 21 is the shipped pause: the second comparison's B is the desk as shipped.
    expect(loadConfig({ env, envOverrides: { CONFIG_FILE: '' } }).lpr.minDaysBetweenCalls).toBe(21);
  });
});
