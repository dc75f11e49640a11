import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { signalsScan } from '../../src/jobs/signals-scan.js';
import { JobWorkers } from '../../src/queue/worker.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, fixture, importBase, writeTsv } from '../imports/helpers.js';

let t: TestEnv;
let smtp: TestSmtp;
let workers: JobWorkers | null = null;

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
  // The clock stands still: which slot an import's scan takes must not depend on how long the
  // imports take on this machine (a moving clock set just before a minute's end crossed it or not).
  setClock(new Date('2024-06-03T09:00:00+03:00'), { frozen: true });
  await importBase(t);
});
afterEach(async () => {
  await workers?.close(5000);
  workers = null;
});
afterAll(async () => {
  setClock(null);
  await t.close();
  await smtp.close();
});

const HEADER = ['Номер клиента', 'ФИО', 'Должность', 'ЛПР', 'ЛВПР', 'Ключевой пользователь', 'Email', 'Согласие на рассылку'];

describe('a signals scan after each import', () => {
  it('hands a key-person change found by a contacts import to the field specialist within the minute', { timeout: 300_000 }, async () => {
    workers = new JobWorkers(t.app, [signalsScan, sendEmail]);
    workers.start();
    const completed = (period: string) =>
      waitFor(
        `the scan of ${period}`,
        async () => {
          const { rows } = await t.app.pool.query(`SELECT state FROM job_runs WHERE job = 'signals-scan' AND period = $1`, [period]);
          if (rows[0]?.state === 'completed') return true;
          // Not yet: name the runs there are, so a timeout says where the scan went.
          const runs = await t.app.pool.query(
            `SELECT period, state, trigger, attempts FROM job_runs WHERE job = 'signals-scan' ORDER BY id`,
          );
          const jobs = await t.app.queues.get('signals-scan').getJobCounts();
          throw new Error(`runs ${JSON.stringify(runs.rows)}, queue ${JSON.stringify(jobs)}`);
        },
        90_000,
      );
    // The imports of employees and clients (beforeAll) asked for this minute's scan.
    await completed('2024-06-03T0900');
    // Another import in the same minute: that minute's scan has run, so the current second's
    // slot runs — at once, not at the next minute.
    setClock(new Date('2024-06-03T09:00:59+03:00'), { frozen: true });
    expect((await cli(t, 'import', 'contacts', fixture('contacts.xlsx'))).code).toBe(0);
    await completed('2024-06-03T090059');
    // The next export: Био Технология has a new director (ЛПР).
    setClock(new Date('2024-06-03T09:02:30+03:00'), { frozen: true });
    const file = writeTsv(t, 'contacts-2.tsv', [
      HEADER,
      [198183, 'Лазарева Анна Владимировна', 'Начальник ПЭО', 'Нет', 'Да', 'Нет', 'lazareva@bio-tech.example', 'Да'],
      [198183, 'Фурцева Алла Владимировна', 'Кадровик', 'Нет', 'Нет', 'Да', 'hr@bio-tech.example', 'Да'],
      [198183, 'Орлов Сергей Петрович', 'Генеральный директор', 'Да', 'Нет', 'Нет', 'orlov@bio-tech.example', 'Да'],
    ]);
    expect((await cli(t, 'import', 'contacts', file)).code).toBe(0);
    // Within the minute on a quiet machine; the wait allows for a busy one (this is not a timing assertion).
    const mail = await waitFor(
      'the alert e-mail',
      () => smtp.messages.find((m) => m.parsed.subject === 'Сигнал: Смена ключевого пользователя, ЛПР, ЛВПР — 198183 - Био Технология'),
      90_000,
    );
    expect(mail?.to).toEqual(['nelina@ric502.example']);
    expect(mail?.parsed.text).toContain('Смена ЛПР: ушла Полчихина Елена Ивановна, пришёл Орлов Сергей Петрович');
    // Said once: the summary is not repeated among the details.
    expect(mail?.parsed.text?.split('Смена ЛПР: ушла').length).toBe(2);
    expect(mail?.parsed.text).toContain('Специалист ДИС: Савостина К.А., тел. 8-900-100-00-01');
    const { rows } = await t.app.pool.query(`SELECT period, trigger FROM job_runs WHERE job = 'signals-scan' ORDER BY id`);
    expect(rows).toEqual([
      { period: '2024-06-03T0900', trigger: 'event' },
      { period: '2024-06-03T090059', trigger: 'event' },
      { period: '2024-06-03T0902', trigger: 'event' },
    ]);
  });
});
