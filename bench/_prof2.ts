import { createApp } from '../src/app.js';
import { setClock, now } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { withTransaction } from '../src/db/pool.js';
import { upsertRiskScores } from '../src/db/risk-scores.js';
import { computeWeek } from '../src/health/score-week.js';
import { applyRiskTasks } from '../src/health/risk-tasks.js';
import { createLogger } from '../src/log.js';
const config = loadConfig({ envOverrides: { DATABASE_URL: 'postgres://root@127.0.0.1:5432/cg_prof4', QUEUE_PREFIX: '{cgprof}' } });
const app = createApp(config, { log: createLogger('warn') });
setClock(new Date('2024-06-03T07:00:00+03:00'));
await app.pool.query(`SET session_replication_role = replica; DELETE FROM tasks; DELETE FROM risk_scores; SET session_replication_role = origin`);
let t = performance.now();
const lap = (s: string) => { const n = performance.now(); console.log(s, ((n - t) / 1000).toFixed(2)); t = n; };
const { scope, scores } = await computeWeek(app, '2024-W22');
lap('compute');
await withTransaction(app.pool, async (db) => {
  await upsertRiskScores(db, '2024-W22', scope.weekEnd, scores, now());
  lap('upsert');
  console.log(await applyRiskTasks(app, db, '2024-W22', now()));
  lap('tasks');
});
lap('commit');
await withTransaction(app.pool, async (db) => {
  await upsertRiskScores(db, '2024-W22', scope.weekEnd, scores, now());
  lap('upsert again');
});
await app.close();
process.exit(0);
