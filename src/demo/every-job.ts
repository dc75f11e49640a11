/** The last demo step: every periodic job not run yet runs once for its current period, through the queue. */
import { QueueEvents } from 'bullmq';
import { now } from '../clock.js';
import { getRun } from '../db/job-runs.js';
import { periodicJobs } from '../jobs/index.js';
import { enqueueRun } from '../queue/enqueue.js';
import { redisConnection } from '../queue/queues.js';
import { periodForFire } from '../queue/schedules.js';
import type { DemoStep } from './types.js';

export const everyJobStep: DemoStep = {
  title: 'Every job, once, for its current period',
  async run({ app, say }) {
    for (const def of periodicJobs()) {
      const period = periodForFire(app, def, now());
      if ((await getRun(app.pool, def.name, period))?.state === 'completed') continue;
      const events = new QueueEvents(def.name, {
        connection: redisConnection(app.config.env.redisUrl),
        prefix: app.config.env.queuePrefix,
      });
      try {
        await events.waitUntilReady();
        const res = await enqueueRun(app, def, period, 'admin');
        const job = await app.queues.get(def.name).getJob(res.jobId);
        const result = await job?.waitUntilFinished(events, 60_000);
        say(`  ${def.name} ${period}: ${JSON.stringify(result)}`);
      } finally {
        await events.close();
      }
    }
  },
};
