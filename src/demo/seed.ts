/**
 * The first demo step: a synthetic RIC of 300 clients, written as the CRM's export files
 * (var/seed/) and imported through the importer, then what came in at a glance.
 */
import { latestImports } from '../db/imports.js';
import { DEFAULT_SEED, seedDemo } from '../demo-data/seed-demo.js';
import { describeOutcome } from '../imports/describe.js';
import { liveShareCounts, shareLines } from '../reports/threshold-shares.js';
import type { DemoStep } from './types.js';

export const DEMO_CLIENTS = 300;

export const seedStep: DemoStep = {
  title: `Seed: a demo RIC of ${DEMO_CLIENTS} clients, imported from CRM files`,
  async run({ app, say, facts }) {
    const res = await seedDemo(app, { clients: DEMO_CLIENTS, seed: DEFAULT_SEED, settleScans: true });
    for (const o of res.outcomes) say(`  ${describeOutcome(o)}`);
    say(`  files: ${res.dir}`);
    const { rows } = await app.pool.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM clients GROUP BY state ORDER BY n DESC',
    );
    say(`  clients by state: ${rows.map((r) => `${r.state} ${r.n}`).join(', ')}`);
    const changes = await app.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM key_person_changes');
    say(`  key-person changes detected: ${changes.rows[0]?.n ?? 0}`);
    say(`  sources imported: ${(await latestImports(app.pool)).map((i) => i.kind).join(', ')}`);
    const shares = await liveShareCounts(app);
    say(`  share of clients per category (week ${shares.week}) and signal (now):`);
    for (const line of shareLines(shares)) say(`    ${line}`);
    say('  see: admin report online-usage, admin report contacts --problems, admin imports');
    facts.seed = { dir: res.dir, clients: DEMO_CLIENTS, imports: res.outcomes.length, leaving: res.leaving };
  },
};
