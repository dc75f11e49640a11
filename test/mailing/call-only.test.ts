/**
 * The call without the e-mail: decision makers due this month who cannot be mailed (no
 * address, an invalid one, no consent, unsubscribed) get the month's call task with a script
 * saying why no e-mail was sent; the dry run counts them; a second run adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { executeRun } from '../../src/queue/worker.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { addDecisionMakers, loadSample } from './fixtures.js';

let t: TestEnv;
let ids: number[];

beforeAll(async () => {
  setClock(new Date('2024-06-03T10:00:00+03:00'));
  t = await createTestEnv();
  await loadSample(t.app);
  ids = await addDecisionMakers(t.app, 6, { tag: 'callonly', firstNumber: 610000 });
  const db = t.app.pool;
  await db.query(`UPDATE contacts SET email = NULL WHERE id = $1`, [ids[0]]);
  await db.query(`UPDATE contacts SET email = 'director@client' WHERE id = $1`, [ids[1]]);
  await db.query(`UPDATE contacts SET consent = false WHERE id = $1`, [ids[2]]);
  await db.query(`UPDATE contacts SET unsubscribed_at = now() WHERE id = $1`, [ids[3]]);
  // ids[4], ids[5]: mailed as usual. An inactive ЛПР without an address gets nothing.
  await db.query(`UPDATE contacts SET email = NULL, active = false WHERE id = $1`, [ids[5]]);
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

const callTasks = async () =>
  (await t.app.pool.query(`SELECT contact_id, title, payload, assignee_id FROM tasks WHERE kind = 'lpr-call-only' ORDER BY contact_id`))
    .rows;

describe('decision makers who cannot be mailed', () => {
  it('are counted by the dry run', async () => {
    const res = await runCapturedCli(t.config, ['trigger', 'lpr-monthly', '--period', '2024-06', '--dry-run', '--json']);
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ plan: { callOnly: 4, recipients: 1 } });
    expect(await callTasks()).toEqual([]);
  });

  it('get the month’s call task whose script says why no e-mail was sent and asks for an address and consent', async () => {
    const run = await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
    expect(run.stats).toMatchObject({ callOnly: 4, callOnlyTasks: 4, recipients: 1 });
    const tasks = await callTasks();
    expect(tasks.map((x) => x.contact_id)).toEqual(ids.slice(0, 4));
    expect(tasks.map((x) => x.payload.reason)).toEqual(['no_email', 'invalid_email', 'no_consent', 'unsubscribed']);
    expect(tasks[0].payload.text).toMatch(
      /^Письмо за июнь 2024 не отправлено: нет адреса e-mail\.\nПопросите актуальный адрес электронной почты и согласие на рассылку\./,
    );
    expect(tasks[2].payload.text).toContain('нет согласия на рассылку');
    expect(tasks[0].title).toMatch(/^Звонок ЛПР без письма: Директоров Иван 1$/);
    expect(tasks.every((x) => x.assignee_id !== null && x.payload.emailSent === false)).toBe(true);
    const again = await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'admin', force: true });
    expect(again.stats).toMatchObject({ callOnlyTasks: 0 });
    expect(await callTasks()).toHaveLength(4);
  });
});
