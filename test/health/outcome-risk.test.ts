/** The two capabilities meet: a call outcome recorded by the specialist feeds the risk indicator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/admin.js';
import { insertTasks } from '../../src/db/tasks.js';
import { riskScore } from '../../src/jobs/risk-score.js';
import { executeRun } from '../../src/queue/worker.js';
import { addClient, addContact, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { importAll } from './fixtures.js';

let t: TestEnv;

beforeAll(async () => {
  t = await createTestEnv();
});
afterAll(() => t.close());

async function lprComponent(): Promise<{ lpr_contact: number; lpr_contact_reason: string }> {
  const { rows } = await t.app.pool.query(`SELECT lpr_contact, lpr_contact_reason FROM risk_scores WHERE week = '2024-W23'`);
  return rows[0];
}

describe('call outcome → risk indicator', () => {
  it('counts a held call recorded with `task done` as a contact with the ЛПР', async () => {
    const remote = await addEmployee(t.app.pool, { name: 'Лукина Е.И.' });
    const client = await addClient(t.app.pool, { remoteId: remote });
    const lpr = await addContact(t.app.pool, { clientId: client, isLpr: true, fullName: 'Полчихина Елена Ивановна' });
    await importAll(t.app.pool, '2024-06-09T20:00:00Z');
    await executeRun(t.app, riskScore, { period: '2024-W23', trigger: 'admin' });
    expect((await lprComponent()).lpr_contact).toBe(0.5);

    const ids = await insertTasks(
      t.app.pool,
      [
        {
          kind: 'lpr-call',
          title: 'Звонок ЛПР',
          assigneeId: remote,
          clientId: client,
          contactId: lpr,
          dedupKey: 'lpr-call.test',
          createdBy: 'test',
        },
      ],
      new Date('2024-06-04T06:00:00Z'),
    );
    const taskId = ids.get('lpr-call.test') as number;
    const io = { out: () => {}, err: () => {} };
    expect(await runCli(['task', 'done', String(taskId), '--outcome', 'held', '--now', '2024-06-05T11:00:00+03:00'], io, t.config)).toBe(0);

    await executeRun(t.app, riskScore, { period: '2024-W23', trigger: 'admin', force: true });
    const after = await lprComponent();
    expect(after.lpr_contact).toBe(0.3);
    expect(after.lpr_contact_reason).toMatch(/^1 /);
  });
});
