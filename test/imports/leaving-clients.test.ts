/**
 * Clients who are leaving: a client the CRM puts into liquidation gets no competitor-diagnostics
 * task and no monthly e-mail, and the change of its state is recorded with its date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { competitorDiagnostics } from '../../src/jobs/competitor-diagnostics.js';
import { lprMonthly } from '../../src/jobs/lpr-monthly.js';
import { executeRun } from '../../src/queue/worker.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { loadSample } from '../mailing/fixtures.js';
import { cli, importBase, writeTsv } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  setClock(new Date('2024-06-03T09:00:00+03:00'));
  await importBase(t);
  await loadSample(t.app, '2024-06');
  const contacts = writeTsv(t, 'contacts.tsv', [
    ['Номер клиента', 'ФИО', 'ЛПР', 'ЛВПР', 'Ключевой пользователь', 'Пользователь системы', 'Email', 'Согласие на рассылку'],
    [192906, 'Пленчук Татьяна Сергеевна', 'Да', 'Нет', 'Нет', 'Нет', 'plenchuk@apk.example', 'Да'],
    [193221, 'Журавлев Олег Петрович', 'Да', 'Нет', 'Нет', 'Нет', 'zhuravlev@btk.example', 'Да'],
  ]);
  const res = await cli(t, 'import', 'contacts', contacts);
  if (res.code !== 0) throw new Error(res.err);
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

const CLIENT_HEADER = ['Номер клиента', 'Клиент', 'Категория', 'Сумма ИО, руб/мес', 'Состояние', 'Ответственный ДИС', 'Дата отключения'];
const clientRows = [
  CLIENT_HEADER,
  [192906, 'Мин. СХ и прод. БО (Департамент АПК )', 'A', '45 000,00', 'Ликвидация', 'Савостина К.А.', ''],
  [193221, 'Бирюченская тепловая компания Красногвардейского района', 'B', '12 500,00', 'Обслуживается', 'Лукина Е.И.', ''],
  [193556, 'МЕГАПРИНТ', 'C', '8 900,00', 'Отключен', 'Савостина К.А.', '20.05.2024'],
];

const changes = async () =>
  (
    await t.app.pool.query(
      `SELECT c.number, x.from_state, x.to_state, x.changed_on::text AS changed_on, x.source
         FROM client_state_changes x JOIN clients c ON c.id = x.client_id
        WHERE c.number IN (192906, 193221, 193556) ORDER BY c.number, x.id`,
    )
  ).rows;

describe('a client put into liquidation', () => {
  it('records each state change with its date, «Дата отключения» when given, once', async () => {
    const first = await changes();
    // The first import saw each client for the first time.
    expect(first.filter((r) => r.from_state === null)).toHaveLength(3);
    const res = await cli(t, 'import', 'clients', writeTsv(t, 'clients-2.tsv', clientRows));
    expect(res.code, res.err).toBe(0);
    const after = (await changes()).filter((r) => r.from_state !== null);
    expect(after).toEqual([
      { number: 192906, from_state: 'served', to_state: 'liquidation', changed_on: '2024-06-03', source: 'import' },
      { number: 193556, from_state: 'primary_advance', to_state: 'disconnected', changed_on: '2024-05-20', source: 'disconnection-date' },
    ]);
    const { rows } = await t.app.pool.query(`SELECT disconnected_on::text AS d FROM clients WHERE number = 193556`);
    expect(rows[0].d).toBe('2024-05-20');
    // The same content again (another file) records nothing more.
    const again = await cli(t, 'import', 'clients', writeTsv(t, 'clients-3.tsv', [...clientRows, []]));
    expect(again.code, again.err).toBe(0);
    expect((await changes()).filter((r) => r.from_state !== null)).toHaveLength(2);
  });

  it('refuses «Дата отключения» for a client that is not disconnected, naming the place', async () => {
    const bad = clientRows.map((r, i) => (i === 2 ? [...r.slice(0, 6), '01.06.2024'] : r));
    const res = await cli(t, 'import', 'clients', writeTsv(t, 'clients-bad.tsv', bad));
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/clients-bad\.tsv:3:7: Дата отключения: 2024-06-01 указана у клиента в состоянии «Обслуживается»/);
  });

  it('gets no monthly e-mail, counted among the exclusions', async () => {
    const run = await executeRun(t.app, lprMonthly, { period: '2024-06', trigger: 'admin' });
    expect(run.status).toBe('completed');
    expect(run.stats).toMatchObject({ recipients: 1, excluded: { client_leaving: 1 } });
    const { rows } = await t.app.pool.query(`SELECT to_email FROM messages`);
    expect(rows.map((r) => r.to_email)).toEqual(['zhuravlev@btk.example']);
  });

  it('is shown in its own group in the reports, not among served clients', async () => {
    const res = await cli(t, 'report', 'contacts');
    expect(res.code, res.err).toBe(0);
    const [served, leaving] = res.out.split('Клиенты в ликвидации или реорганизации');
    expect(leaving).toContain('192906 - ');
    expect(served).not.toContain('192906 - ');
    expect(served).toContain('193221 - ');
  });

  it('gets no competitor-diagnostics task', async () => {
    setClock(new Date('2024-07-15T09:00:00+03:00'));
    const run = await executeRun(t.app, competitorDiagnostics, { period: '2024-H2', trigger: 'schedule' });
    expect(run.status).toBe('completed');
    const { rows } = await t.app.pool.query(
      `SELECT c.number FROM tasks t JOIN clients c ON c.id = t.client_id WHERE t.kind = 'competitor-diagnostics'`,
    );
    const numbers = rows.map((r) => r.number);
    expect(numbers).toContain(193221);
    expect(numbers).not.toContain(192906);
    expect(numbers).not.toContain(193556);
  });
});
