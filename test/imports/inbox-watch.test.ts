/**
 * The inbox watched by file-system events, in a running service (scheduler and worker roles):
 * a contacts export written slowly into `var/inbox/contacts/` is imported whole once complete
 * (never half), its key-person change reaches the field specialist's real SMTP mailbox, and a
 * file dropped by atomic rename is taken on the first look.
 */
import { closeSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { importInbox } from '../../src/jobs/import-inbox.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { signalsScan } from '../../src/jobs/signals-scan.js';
import { type Service, startService } from '../../src/service.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, fixture, importBase } from './helpers.js';

let t: TestEnv;
let smtp: TestSmtp;
let service: Service;

const HEADER = [
  'Номер клиента',
  'ФИО',
  'Должность',
  'ЛПР',
  'ЛВПР',
  'Ключевой пользователь',
  'Пользователь системы',
  'Email',
  'Согласие на рассылку',
];
const tsv = (rows: (string | number)[][]) => `${rows.map((r) => r.join('\t')).join('\n')}\n`;
const inbox = (...p: string[]) => join(t.varDir, 'inbox', 'contacts', ...p);

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestEnv({
    env: { SMTP_URL: smtp.url, ROLES: 'scheduler,worker' },
    overrides: { imports: { inboxSettleMs: 400, inboxWatchDebounceMs: 100 } },
  });
  setClock(new Date('2024-06-03T09:00:00+03:00'));
  await importBase(t);
  expect((await cli(t, 'import', 'contacts', fixture('contacts.xlsx'))).code).toBe(0);
  service = await startService(t.app, [importInbox, signalsScan, sendEmail]);
  // The scans the imports asked for take the baseline of key-person changes (no e-mails).
  await waitFor('the baseline', async () => {
    const { rows } = await t.app.pool.query(`SELECT 1 FROM signal_baselines WHERE kind = 'key_person_change'`);
    return rows.length === 1;
  });
});
afterAll(async () => {
  await service?.stop();
  setClock(null);
  await t.close();
  await smtp.close();
});

describe('the inbox watch', () => {
  it('imports a slowly written contacts export once complete, and its key-person change reaches the field specialist', async () => {
    const content = tsv([
      HEADER,
      [198183, 'Лазарева Анна Владимировна', 'Начальник ПЭО', 'Нет', 'Да', 'Нет', 'Да', 'lazareva@bio-tech.example', 'Да'],
      [198183, 'Фурцева Алла Владимировна', 'Кадровик', 'Нет', 'Нет', 'Да', 'Да', 'hr@bio-tech.example', 'Да'],
      [198183, 'Орлов Сергей Петрович', 'Генеральный директор', 'Да', 'Нет', 'Нет', 'Да', 'orlov@bio-tech.example', 'Да'],
    ]);
    // A writer that takes its time: chunks 150 ms apart, the last row cut in the middle for a while.
    const fd = openSync(inbox('contacts-2.tsv'), 'w');
    const bytes = Buffer.from(content);
    const cut = bytes.length - 20;
    for (let i = 0; i < cut; i += 60) {
      writeSync(fd, bytes.subarray(i, Math.min(i + 60, cut)));
      await pause(150);
    }
    writeSync(fd, bytes.subarray(cut));
    closeSync(fd);
    const mail = await waitFor(
      'the alert e-mail',
      () => smtp.messages.find((m) => m.parsed.subject === 'Сигнал: Смена ключевого пользователя, ЛПР, ЛВПР — 198183 - Био Технология'),
      30_000,
    );
    expect(mail?.parsed.text).toContain('Смена ЛПР: ушла Полчихина Елена Ивановна, пришёл Орлов Сергей Петрович');
    expect(mail?.parsed.text).toMatch(/Принято в работу: http\S+\/a\//);
    // Imported once, whole: the file in done/ is what was written, and no partial import exists.
    expect(readdirSync(inbox('done'))).toEqual(['contacts-2.tsv']);
    expect(readFileSync(inbox('done', 'contacts-2.tsv'), 'utf8')).toBe(content);
    const { rows: imports } = await t.app.pool.query(`SELECT state, file_name FROM imports WHERE kind = 'contacts' ORDER BY id`);
    expect(imports.map((r) => r.state)).toEqual(['done', 'done']);
    // Asked for by the watch (event), not by the quarter-hour schedule.
    const { rows: runs } = await t.app.pool.query(`SELECT trigger, stats FROM job_runs WHERE job = 'import-inbox' AND state = 'completed'`);
    const importing = runs.filter((r) => (r.stats.imported ?? 0) > 0);
    expect(importing.map((r) => [r.trigger, r.stats.imported])).toEqual([['event', 1]]);
    // The watch looked while the writer was still at it, and left the file for a later look.
    expect(runs.some((r) => r.trigger === 'event' && r.stats.left > 0)).toBe(true);
  });

  it('takes a file dropped by atomic rename on the first look', async () => {
    const tmp = inbox('.contacts-3.tsv.part');
    writeFileSync(
      tmp,
      tsv([
        HEADER,
        [198183, 'Лазарева Анна Владимировна', 'Начальник ПЭО', 'Нет', 'Да', 'Нет', 'Да', 'lazareva@bio-tech.example', 'Да'],
        [198183, 'Фурцева Алла Владимировна', 'Кадровик', 'Нет', 'Нет', 'Нет', 'Да', 'hr@bio-tech.example', 'Да'],
        [198183, 'Кузнецова Ирина Олеговна', 'Инженер', 'Нет', 'Нет', 'Да', 'Да', 'kuznetsova@bio-tech.example', 'Да'],
        [198183, 'Орлов Сергей Петрович', 'Генеральный директор', 'Да', 'Нет', 'Нет', 'Да', 'orlov@bio-tech.example', 'Да'],
      ]),
    );
    renameSync(tmp, inbox('contacts-3.tsv'));
    await waitFor('contacts-3 imported', () => readdirSync(inbox('done')).includes('contacts-3.tsv'), 30_000);
    const mail = await waitFor('the second alert', () =>
      smtp.messages.find((m) => (m.parsed.text ?? '').includes('пришла Кузнецова Ирина Олеговна')),
    );
    expect(mail?.to).toEqual(['nelina@ric502.example']);
  });
});
