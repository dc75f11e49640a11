/**
 * Demo: the monthly two-stage contact with decision makers, stage 1. Loads the sample month
 * (content/2024-06), runs `lpr-monthly` through the queue into the embedded SMTP sink
 * (var/mail/*.eml) and prints the messages per variant and state. Stage 2, the call tasks,
 * comes after the clicks (src/demo/calls.ts), so the tasks show what people clicked.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import type { App } from '../app.js';
import { now } from '../clock.js';
import { PROJECT_ROOT } from '../config.js';
import { readContentDir } from '../content/load.js';
import { saveContent } from '../db/contents.js';
import { getMailing, mailingCounts } from '../db/mailings.js';
import { withTransaction } from '../db/pool.js';
import { LPR_KIND, lprMonthly } from '../jobs/lpr-monthly.js';
import type { PeriodicJob } from '../jobs/types.js';
import { enqueueRun } from '../queue/enqueue.js';
import { redisConnection } from '../queue/queues.js';
import { periodForFire } from '../queue/schedules.js';
import { formatTable } from '../reports/render.js';
import type { DemoStep } from './types.js';

/** Queue a run and wait for the worker's result. */
export async function runQueued<O>(app: App, def: PeriodicJob<O>, period: string): Promise<Record<string, unknown>> {
  const events = new QueueEvents(def.name, { connection: redisConnection(app.config.env.redisUrl), prefix: app.config.env.queuePrefix });
  try {
    await events.waitUntilReady();
    const { jobId } = await enqueueRun(app, def as PeriodicJob<unknown>, period, 'admin');
    const job = await app.queues.get(def.name).getJob(jobId);
    return ((await job?.waitUntilFinished(events, 120_000)) ?? {}) as Record<string, unknown>;
  } finally {
    await events.close();
  }
}

async function waitForSending(app: App, mailingId: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const { rows } = await app.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE mailing_id = $1 AND state IN ('queued', 'sending', 'retry')`,
      [mailingId],
    );
    if (rows[0]?.n === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const mailingStep: DemoStep = {
  title: 'Monthly contact with decision makers: the e-mail (stage 1)',
  async run({ app, say, mailDir }) {
    const loaded = readContentDir(join(PROJECT_ROOT, 'content', '2024-06'));
    await withTransaction(app.pool, (db) => saveContent(db, LPR_KIND, loaded, now()));
    const c = loaded.content;
    say(
      `  content ${c.period} loaded: ${c.topQuestions.length} TOP questions, ${c.newsHooks.length} news hooks, ${loaded.files.length} PDF collections`,
    );
    const period = periodForFire(app, lprMonthly, now());
    const before = readdirSync(mailDir).filter((f) => f.endsWith('.eml')).length;
    const result = await runQueued(app, lprMonthly, period);
    const mailing = await getMailing(app.pool, LPR_KIND, period);
    if (!mailing) {
      say(`  lpr-monthly ${period}: no recipients (no decision maker with a valid e-mail and consent yet)`);
      return;
    }
    say(`  lpr-monthly ${period}: ${result.recipients} recipient(s), ${result.variantsCompiled} variant(s) compiled once each; sending…`);
    await waitForSending(app, mailing.id);
    const counts = await mailingCounts(app.pool, mailing.id);
    say(
      formatTable(
        [
          { key: 'variant', header: 'variant' },
          { key: 'state', header: 'state' },
          { key: 'count', header: 'messages', type: 'int' },
        ],
        counts,
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    const after = readdirSync(mailDir).filter((f) => f.endsWith('.eml')).length;
    say(`  ${after - before} e-mail(s) accepted by the embedded SMTP sink (${mailDir})`);
  },
};
