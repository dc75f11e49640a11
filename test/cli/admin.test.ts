import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/admin.js';
import { loadConfig } from '../../src/config.js';
import { insertTasks } from '../../src/db/tasks.js';
import { housekeeping } from '../../src/jobs/housekeeping.js';
import { JOBS } from '../../src/jobs/index.js';
import { JobWorkers } from '../../src/queue/worker.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { runAdmin } from '../helpers/process.js';

let t: TestEnv;
let workers: JobWorkers | null = null;

beforeAll(async () => {
  t = await createTestEnv();
});
afterEach(async () => {
  await workers?.close(5000);
  workers = null;
});
afterAll(() => t.close());

function cli(...argv: string[]) {
  return runCapturedCli(t.config, argv);
}

describe('admin script exit codes', () => {
  it('exits 2 with the usage text for usage errors', async () => {
    expect((await cli()).code).toBe(2);
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/неизвестная команда «frobnicate»/);
    expect(unknown.err).toMatch(/Запуск: churnguard <команда>/);
    const noJob = await cli('trigger');
    expect(noJob.code).toBe(2);
    expect(noJob.err).toMatch(/Запуск: churnguard trigger <job>/);
    const badJob = await cli('trigger', 'risk-scroe');
    expect(badJob.code).toBe(2);
    expect(badJob.err).toMatch(/неизвестное задание «risk-scroe» \(известные задания: .*housekeeping/);
    const badPeriod = await cli('trigger', 'housekeeping', '--period', '2024-06');
    expect(badPeriod.code).toBe(2);
    expect(badPeriod.err).toMatch(/--period: «2024-06» — не минута расписания \(например, 2024-06-03T1015\)/);
    const badNow = await cli('status', '--now', 'yesterday');
    expect(badNow.code).toBe(2);
    expect(badNow.err).toMatch(/--now: «yesterday» — не дата и время ISO/);
    expect((await cli('runs', '--limit', 'ten')).code).toBe(2);
    const unknownOption = await cli('tasks', '--colour', 'red');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.err).toMatch(/^tasks: неизвестный параметр --colour$/m);
    expect((await cli('runs', '--limit', 'ten')).err).toMatch(/^runs: --limit: «ten» — не целое число от 1 до 10000$/m);
    expect((await cli('runs', '--limit')).err).toMatch(/^runs: у параметра --limit нет значения$/m);
    expect((await cli('runs', 'extra')).err).toMatch(/^runs: лишний аргумент «extra»$/m);
    expect((await cli('trigger', 'send-email')).err).toMatch(/выполняется для строк очереди отправки, не по запросу/);
  });

  it('exits 0 and prints usage for --help', async () => {
    const res = await cli('trigger', '--help');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/--dry-run/);
  });

  it('exits 1 when the command fails', async () => {
    const broken = loadConfig({ env: { ...t.env, DATABASE_URL: 'postgres://root@127.0.0.1:5432/cg_does_not_exist' } });
    let err = '';
    const code = await runCli(['runs'], { out: () => {}, err: (s) => (err += s) }, broken);
    expect(code).toBe(1);
    expect(err).toMatch(/runs: не выполнено: .*cg_does_not_exist/);
  });
});

describe('admin script commands', () => {
  it('runs a job inline for a period, then reports the period as done', async () => {
    const first = await cli('trigger', 'housekeeping', '--period', '2024-06-03T1015', '--inline', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({
      job: 'housekeeping',
      period: '2024-06-03T1015',
      status: 'completed',
      stats: { notificationsMarkedUnknown: 0 },
    });
    const second = await cli('trigger', 'housekeeping', '--period', '2024-06-03T1015', '--json');
    expect(JSON.parse(second.out)).toMatchObject({ status: 'skipped', reason: 'period already completed' });
  });

  it('waits for a queued run with --wait', async () => {
    workers = new JobWorkers(t.app, [housekeeping]);
    workers.start();
    const res = await cli('trigger', 'housekeeping', '--period', '2024-06-03T1100', '--wait', '--json');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ state: 'completed', result: { status: 'completed' } });
  });

  it('uses --now for the default period', async () => {
    const res = await cli('trigger', 'housekeeping', '--inline', '--now', '2024-06-03T10:15:30+03:00', '--json');
    expect(JSON.parse(res.out).period).toBe('2024-06-03T1015');
  });

  it('shows status with queue counts, next runs in the RIC zone and last runs', async () => {
    const res = await cli('status', '--json', '--now', '2024-06-03T10:15:30+03:00');
    expect(res.code).toBe(0);
    const s = JSON.parse(res.out);
    expect(s.queues.map((q: { queue: string }) => q.queue)).toEqual(JOBS.map((j) => j.name));
    expect(s.queues[0].queue).toBe('housekeeping');
    expect(s.queues[0]).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    expect(s.schedules).toContainEqual(expect.objectContaining({ job: 'housekeeping', nextLocal: '03.06.2024 10:20:00' }));
    expect(s.lastRuns).toContainEqual(expect.objectContaining({ job: 'housekeeping', state: 'completed' }));
    const human = await cli('status');
    // For people: headers, states and triggers in Russian; the job's code in brackets for the options.
    expect(human.out).toMatch(/^Очереди$/m);
    expect(human.out).toMatch(/^Расписание \(следующий запуск, Europe\/Moscow\)$/m);
    expect(human.out).toMatch(/^Последние запуски$/m);
    expect(human.out).toMatch(
      /Обслуживание прерванных отправок \(housekeeping\)\s+\d\d\.06\.2024 \d\d:\d\d \(2024-06-\d\dT\d{4}\)\s+выполнено\s+(вручную|по расписанию)/,
    );
    expect(human.out).not.toMatch(/Queues|Schedules|Last runs|completed|task\(s\)/);
  });

  it('lists runs and tasks as JSON', async () => {
    const runs = JSON.parse((await cli('runs', '--job', 'housekeeping', '--json')).out);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((r: { job: string }) => r.job === 'housekeeping')).toBe(true);

    const { rows } = await t.app.pool.query(
      `WITH e AS (INSERT INTO employees (name, role) VALUES ('Лукина Е.И.', 'remote') RETURNING id)
       INSERT INTO clients (number, name, category, monthly_fee, state, remote_specialist_id)
       SELECT 193254, 'Ветстанция', 'B', 12000, 'served', id FROM e RETURNING id, remote_specialist_id`,
    );
    await insertTasks(
      t.app.pool,
      [
        {
          kind: 'risk-review',
          title: 'Проверить клиента',
          assigneeId: rows[0].remote_specialist_id,
          clientId: rows[0].id,
          dedupKey: 'x.1',
          createdBy: 'test',
          payload: { reasons: ['нет входов'] },
        },
      ],
      new Date(),
    );
    const tasks = JSON.parse((await cli('tasks', '--assignee', 'Лукина', '--json')).out);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      client_number: 193254,
      assignee_name: 'Лукина Е.И.',
      kind: 'risk-review',
      state: 'open',
      payload: { reasons: ['нет входов'] },
    });
    expect(JSON.parse((await cli('tasks', '--kind', 'lpr-call', '--json')).out)).toEqual([]);
    // The table for people: Russian headers, kind and state by name, the count with its plural.
    const table = (await cli('tasks')).out;
    expect(table).toMatch(/^№\s+Клиент\s+Исполнитель\s+Вид\s+Состояние\s+Срок\s+Задача/);
    expect(table).toMatch(/Клиент с высоким риском отключения\s+открыта/);
    expect(table).toMatch(/\n1 задача\n$/);
  });

  // The package binary runs compiled code: test/image-recipe.test.ts runs it on a build.
  it('works as a real process', async () => {
    const res = await runAdmin(['runs', '--limit', '1', '--json'], t.env);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toHaveLength(1);
    const bad = await runAdmin(['trigger', 'nope'], t.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/неизвестное задание «nope»/);
  });
});
