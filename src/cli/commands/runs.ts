import { type JobRun, listRuns } from '../../db/job-runs.js';
import { ruDateTime } from '../../domain/formats.js';
import { jobName, runStateName, triggerName } from '../../domain/job-names.js';
import { periodName } from '../../domain/periods.js';
import { count } from '../../domain/ru.js';
import { formatTable } from '../../reports/render.js';
import { describeRunStats } from '../../reports/run-summary.js';
import { type Command, emit, int, str } from '../command.js';

/** «прерван сбоем PostgreSQL …, перезапущен …» of a run an outage cut off (issue 25); empty otherwise. */
export function outageNote(r: Pick<JobRun, 'interrupted_at' | 'interruptions' | 'retried_at'>, tz: string): string {
  if (!r.interrupted_at) return '';
  const times = r.interruptions > 1 ? ` (${count(r.interruptions, ['раз', 'раза', 'раз'])})` : '';
  const retried =
    r.retried_at && new Date(r.retried_at) >= new Date(r.interrupted_at)
      ? `перезапущен ${ruDateTime(r.retried_at, tz)}`
      : 'ждёт перезапуска';
  return `прерван сбоем PostgreSQL ${ruDateTime(r.interrupted_at, tz)}${times}, ${retried}`;
}

export const runsCommand: Command = {
  name: 'runs',
  summary: 'последние запуски периодических заданий',
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
            { key: 'id', header: '№', type: 'int' },
            { key: 'job', header: 'Задание' },
            { key: 'period', header: 'Период' },
            { key: 'trigger', header: 'Запуск' },
            { key: 'state', header: 'Состояние' },
            { key: 'attempts', header: 'Попыток', type: 'int' },
            { key: 'started_at', header: 'Начало', type: 'datetime' },
            { key: 'finished_at', header: 'Окончание', type: 'datetime' },
            { key: 'summary', header: 'Результат' },
            { key: 'outage', header: 'Сбой PostgreSQL' },
          ],
          // The job's and the period's codes in brackets: what `--job` and `trigger --period` take.
          runs.map((r) => ({
            ...r,
            job: `${jobName(r.job)} (${r.job})`,
            period: `${periodName(r.period)} (${r.period})`,
            trigger: triggerName(r.trigger),
            state: runStateName(r.state),
            summary: r.error ? `Ошибка: ${r.error}` : describeRunStats(r.stats),
            outage: outageNote(r, tz),
          })),
          tz,
        )}\n`,
    );
    return 0;
  },
};
