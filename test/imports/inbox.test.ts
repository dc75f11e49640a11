import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importInbox } from '../../src/jobs/import-inbox.js';
import { enqueueRun } from '../../src/queue/enqueue.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { waitFor } from '../helpers/wait.js';
import { fixture } from './helpers.js';

let t: TestEnv;
let workers: JobWorkers | null = null;
beforeAll(async () => {
  t = await createTestEnv({ overrides: { imports: { inboxSettleMs: 400 } } });
});
afterEach(async () => {
  await workers?.close(5000);
  workers = null;
});
afterAll(() => t.close());

const inbox = (kind: string, ...rest: string[]) => join(t.varDir, 'inbox', kind, ...rest);
function drop(kind: string, name: string, content: string | Buffer) {
  mkdirSync(inbox(kind), { recursive: true });
  writeFileSync(inbox(kind, name), content);
}

describe('import-inbox', () => {
  it('imports dropped files kind by kind in name order, moving them to done/ or failed/ with the errors beside', async () => {
    // Clients refer to employees: dropped "out of order", they still import because employees go first.
    drop('clients', '2024-06-01.tsv', readFileSync(fixture('seed-clients-1251.tsv')));
    drop('employees', 'staff.tsv', readFileSync(fixture('employees.tsv')));
    drop('trainings', 'a-good.tsv', 'Номер клиента\tФИО\tДата обучения\n198183\tЛазарева Анна Владимировна\t14.05.2024\n');
    drop('trainings', 'b-bad.tsv', 'Номер клиента\tФИО\tДата обучения\n198183\tЛазарева Анна Владимировна\t14.13.2024\n');
    const run = await executeRun(t.app, importInbox, { period: '2024-06-03T0900', trigger: 'admin' });
    expect(run.stats).toMatchObject({ imported: 3, failed: 1, left: 0, alreadyImported: 0 });
    expect(readdirSync(inbox('clients', 'done'))).toEqual(['2024-06-01.tsv']);
    expect(readdirSync(inbox('employees', 'done'))).toEqual(['staff.tsv']);
    expect(readdirSync(inbox('trainings', 'done'))).toEqual(['a-good.tsv']);
    expect(readdirSync(inbox('trainings', 'failed')).sort()).toEqual(['b-bad.tsv', 'b-bad.tsv.errors.txt']);
    expect(readFileSync(inbox('trainings', 'failed', 'b-bad.tsv.errors.txt'), 'utf8')).toMatch(
      /^inbox\/trainings\/b-bad\.tsv:2:3: Дата обучения: «14\.13\.2024» — такой даты нет в календаре/,
    );
    expect(readdirSync(inbox('trainings')).filter((n) => n.endsWith('.tsv'))).toEqual([]);
    const { rows } = await t.app.pool.query(`SELECT kind, state FROM imports ORDER BY id`);
    expect(rows).toEqual([
      { kind: 'employees', state: 'done' },
      { kind: 'clients', state: 'done' },
      { kind: 'trainings', state: 'done' },
      { kind: 'trainings', state: 'failed' },
    ]);
  });

  it('imports a file with data-quality warnings and writes them beside it in done/', async () => {
    drop('contacts', 'typo.tsv', 'Номер клиента\tФИО\tEmail\n198183\tЛазарева Анна Владимировна\tlazareva@@bio.example\n');
    const run = await executeRun(t.app, importInbox, { period: '2024-06-03T0905', trigger: 'admin' });
    expect(run.stats).toMatchObject({ imported: 1, failed: 0 });
    expect(readdirSync(inbox('contacts', 'done')).sort()).toEqual(['typo.tsv', 'typo.tsv.warnings.txt']);
    expect(readFileSync(inbox('contacts', 'done', 'typo.tsv.warnings.txt'), 'utf8')).toContain(
      'inbox/contacts/typo.tsv:2:3: Email: «lazareva@@bio.example» — не адрес e-mail',
    );
  });

  it('moves a file imported before (a crash between commit and move) to done/ without importing it again', async () => {
    drop('employees', 'staff-again.tsv', readFileSync(fixture('employees.tsv')));
    const run = await executeRun(t.app, importInbox, { period: '2024-06-03T0915', trigger: 'admin' });
    expect(run.stats).toMatchObject({ imported: 0, alreadyImported: 1 });
    expect(readdirSync(inbox('employees', 'done')).sort()).toEqual(['staff-again.tsv', 'staff.tsv']);
    // The same name dropped again is kept beside the first, not over it.
    drop('employees', 'staff.tsv', readFileSync(fixture('employees.tsv')));
    await executeRun(t.app, importInbox, { period: '2024-06-03T0930', trigger: 'admin' });
    expect(readdirSync(inbox('employees', 'done')).sort()).toEqual(['staff-again.tsv', 'staff.1.tsv', 'staff.tsv']);
  });

  it('leaves a file that is still growing for the next run, run by a worker from the queue', async () => {
    drop('lk-requests', 'growing.tsv', 'Номер клиента\tДата\tТип обращения\n198183\t01.04.2024\tЗапрос документа\n');
    const writer = setInterval(() => appendFileSync(inbox('lk-requests', 'growing.tsv'), '198183\t02.04.2024\tЗапрос документа\n'), 50);
    workers = new JobWorkers(t.app, [importInbox]);
    workers.start();
    await enqueueRun(t.app, importInbox, '2024-06-03T0945', 'admin');
    const run = await waitFor('the queued inbox run', async () => {
      const r = await t.app.pool.query(`SELECT state, stats FROM job_runs WHERE job = 'import-inbox' AND period = '2024-06-03T0945'`);
      return r.rows[0]?.state === 'completed' ? r.rows[0] : null;
    });
    clearInterval(writer);
    expect(run.stats).toMatchObject({ left: 1, imported: 0 });
    expect(existsSync(inbox('lk-requests', 'growing.tsv'))).toBe(true);
    const next = await executeRun(t.app, importInbox, { period: '2024-06-03T1000', trigger: 'admin' });
    expect(next.stats).toMatchObject({ left: 0, imported: 1 });
    expect(readdirSync(inbox('lk-requests', 'done'))).toEqual(['growing.tsv']);
  });
});
