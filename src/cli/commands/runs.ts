import { listRuns } from '../../db/job-runs.js';
import { formatTable } from '../../reports/render.js';
import { type Command, emit, int, str } from '../command.js';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'recent runs of periodic jobs',
  usage: 'runs [--job J] [--limit N] [--json]',
  options: { job: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx, values) {
    const runs = await listRuns(ctx.app().pool, { job: str(values, 'job'), limit: int(values, 'limit', { min: 1, max: 10000 }) ?? 20 });
    const tz = ctx.config.ric.timeZone;
    emit(
      ctx,
      runs,
      () =>
        `${formatTable(
          [
            { key: 'id', header: 'run', type: 'int' },
            { key: 'job', header: 'job' },
            { key: 'period', header: 'period' },
            { key: 'trigger', header: 'trigger' },
            { key: 'state', header: 'state' },
            { key: 'attempts', header: 'attempts', type: 'int' },
            { key: 'started_at', header: 'started', type: 'datetime' },
            { key: 'finished_at', header: 'finished', type: 'datetime' },
            { key: 'summary', header: 'stats / error' },
          ],
          runs.map((r) => ({ ...r, summary: r.error ?? JSON.stringify(r.stats) })),
          tz,
        )}\n`,
    );
    return 0;
  },
};
