/** «Журнал запусков заданий»: runs of the periodic jobs, newest first, and a chart of their outcomes. */
import { type JobRun, listRuns } from '../db/job-runs.js';
import { jobName, runStateName, triggerName } from '../domain/job-names.js';
import { periodName } from '../domain/periods.js';
import type { StackedBarsChart } from './charts/types.js';
import { describeRunStats } from './run-summary.js';
import type { ReportDefinition } from './types.js';

const STATES = [
  { state: 'completed', name: 'Выполнено', color: 'green' },
  { state: 'running', name: 'Выполняется', color: 'blue' },
  { state: 'failed', name: 'Ошибка', color: 'red' },
] as const;

/** Runs per job, stacked by their state. */
export function runsChart(runs: JobRun[]): StackedBarsChart {
  const jobs = [...new Set(runs.map((r) => r.job))].sort();
  return {
    kind: 'stacked-bars',
    title: 'Запуски по заданиям',
    categories: jobs.map(jobName),
    series: STATES.map((s) => ({
      name: s.name,
      color: s.color,
      values: jobs.map((j) => runs.filter((r) => r.job === j && r.state === s.state).length),
    })),
    xTitle: 'Задание',
    yTitle: 'Запусков',
  };
}

export const jobRunsReport: ReportDefinition = {
  name: 'job-runs',
  title: 'Запуски по заданиям',
  description: 'runs of the scheduled jobs with their outcome',
  usage: 'report job-runs [--job J] [--limit N]',
  options: { job: { type: 'string' }, limit: { type: 'string' } },
  async build(app, values) {
    const limit = typeof values.limit === 'string' ? Number(values.limit) : 200;
    const runs = await listRuns(app.pool, {
      job: typeof values.job === 'string' ? values.job : undefined,
      limit: Number.isInteger(limit) && limit > 0 ? limit : 200,
    });
    return {
      name: 'job-runs',
      title: 'Журнал запусков заданий',
      subtitle: app.config.ric.name,
      charts: [runsChart(runs)],
      sections: [
        {
          columns: [
            { key: 'job', header: 'Задание' },
            { key: 'period', header: 'Период' },
            { key: 'trigger', header: 'Запуск' },
            { key: 'state', header: 'Состояние' },
            { key: 'attempts', header: 'Попыток', type: 'int' },
            { key: 'started_at', header: 'Начало', type: 'datetime' },
            { key: 'finished_at', header: 'Окончание', type: 'datetime' },
            { key: 'result', header: 'Результат' },
          ],
          rows: runs.map((r) => ({
            ...r,
            job: jobName(r.job),
            period: periodName(r.period),
            trigger: triggerName(r.trigger),
            state: runStateName(r.state),
            result: r.error ? `Ошибка: ${r.error}` : describeRunStats(r.stats),
          })),
          totals: { job: `Итого: (${runs.length})` },
        },
      ],
    };
  },
};
