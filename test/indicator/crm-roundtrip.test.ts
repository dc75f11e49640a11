import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { computeWeek } from '../../src/health/score-week.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { importAll } from '../health/fixtures.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli } from '../imports/helpers.js';

let t: TestEnv;
let client: number;
let taskId: number;

const decode = (path: string) => iconv.decode(readFileSync(path), 'win1251');
const rows = (path: string) =>
  decode(path)
    .split('\r\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));

function writeCrm(name: string, table: string[][]): string {
  const path = join(t.varDir, name);
  writeFileSync(path, iconv.encode(`${table.map((r) => r.join('\t')).join('\r\n')}\r\n`, 'win1251'));
  return path;
}

async function events() {
  const { rows } = await t.app.pool.query(
    'SELECT id, crm_number, outcome, task_id, import_id FROM contact_events WHERE client_id = $1 ORDER BY id',
    [client],
  );
  return rows;
}

async function lprScore() {
  const { scores } = await computeWeek(t.app, '2024-W28', [client]);
  return scores[0]?.components.lprContact;
}

beforeAll(async () => {
  t = await createTestEnv();
  const db = t.app.pool;
  const dep = await addDepartment(db, 'Дистанционный сервис_502');
  const lukina = await addEmployee(db, { name: 'Лукина Е.И.', role: 'remote', departmentId: dep });
  client = await addClient(db, { number: 204036, name: 'БЗМИ ООО', remoteId: lukina });
  const lpr = await addContact(db, { clientId: client, fullName: 'Иванова Мария Петровна', isLpr: true });
  const { rows } = await db.query(
    `INSERT INTO tasks (kind, title, assignee_id, client_id, contact_id, planned_at, due_at, dedup_key, created_by)
     VALUES ('lpr-call', 'Звонок ЛПР по рассылке', $1, $2, $3, '2024-07-10T09:00:00+03:00', '2024-07-10T18:00:00+03:00', 'lpr-call.test', 'test')
     RETURNING id`,
    [lukina, client, lpr],
  );
  taskId = rows[0].id;
  await importAll(db, '2024-07-14T20:00:00Z');
  // The CRM's «Работы» covered the whole quarter before (coverage): the echoes below are one day's
  // exports, and the ЛПР component must not turn н/д for them.
  await db.query(
    `UPDATE imports SET covers_from = '2024-01-01', covers_to = '2024-07-14', covers_declared = true WHERE kind = 'contact-events'`,
  );
  setClock(new Date('2024-07-10T11:30:00+03:00'));
  const done = await cli(t, 'task', 'done', String(taskId), '--outcome', 'held-with-login', '--next', 'обзор по НДФЛ');
  expect(done.code, done.err).toBe(0);
  setClock(new Date('2024-07-15T09:00:00+03:00'));
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

describe('back to the CRM and back again', () => {
  it('exports the contact events recorded here as the CRM «Работы» (Windows-1251 TSV) with the [cg:task N] reference', async () => {
    const out = join(t.varDir, 'work.tsv');
    const res = await cli(t, 'export', 'contact-events', '--from', '01.07.2024', '--to', '31.07.2024', '--out', out);
    expect(res.code, res.err).toBe(0);
    expect(rows(out)).toEqual([
      [
        'Номер',
        'Номер клиента',
        'Контактное лицо',
        'Исполнитель',
        'Способ контакта',
        'Плановая дата',
        'Состояние',
        'Цель контакта',
        'Комментарий к действию',
        'Причина / результат',
      ],
      [
        '',
        '204036',
        'Иванова Мария Петровна',
        'Лукина Е.И.',
        'Телефонный звонок',
        '10.07.2024 11:30:00',
        'Контакт состоялся',
        'Звонок ЛПР по рассылке',
        `[cg:task ${taskId}]`,
        'Контакт состоялся с входом',
      ],
    ]);
    // Not UTF-8: the CRM's encoding.
    expect(readFileSync(out).includes(Buffer.from('Номер'))).toBe(false);
    expect(await lprScore()).toMatchObject({ score: 0.3 });
  });

  it('links an echo without the reference by client, contact, executor, day, way of contact and held state', async () => {
    const path = writeCrm('echo-plain.tsv', [
      ['Номер клиента', 'Контактное лицо', 'Исполнитель', 'Способ контакта', 'Плановая дата', 'Состояние', 'Комментарий к действию'],
      [
        '204036 - БЗМИ ООО',
        'Иванова Мария Петровна',
        'Лукина Е.И. (Специалист дистан...',
        'Телефонный звонок',
        '10.07.2024 16:05:00',
        'Контакт состоялся',
        'перезвонила сама',
      ],
    ]);
    const res = await cli(t, 'import', 'contact-events', path, '--json');
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ inserted: 0, summary: { linkedToChurnguard: 1 } });
    expect(await events()).toHaveLength(1);
    expect(await lprScore()).toMatchObject({ score: 0.3 });
  });

  it('links the CRM echo carrying the reference to churnguard event: no new contact, the CRM number stored, ЛПР unchanged', async () => {
    const out = join(t.varDir, 'work.tsv');
    const table = rows(out);
    (table[1] as string[])[0] = 'Р-1001';
    const echo = writeCrm('echo.tsv', table);
    const res = await cli(t, 'import', 'contact-events', echo, '--json');
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ inserted: 0, summary: { linkedToChurnguard: 1 } });
    expect(await events()).toEqual([
      { id: expect.any(Number), crm_number: 'Р-1001', outcome: 'held_with_login', task_id: taskId, import_id: null },
    ]);
    expect(await lprScore()).toMatchObject({ score: 0.3 });
  });

  it('applies a later change in the CRM to the same event, and still adds a contact the CRM holds alone', async () => {
    const table = rows(join(t.varDir, 'work.tsv'));
    const row = table[1] as string[];
    row[0] = 'Р-1001';
    row[6] = 'Не состоялся';
    row[8] = 'клиент перенёс';
    row[9] = '';
    const other = [
      'Р-1002',
      '204036',
      'Иванова Мария Петровна',
      'Лукина Е.И.',
      'Телефонный звонок',
      '12.07.2024 10:00:00',
      'Контакт состоялся',
      '',
      '',
      '',
    ];
    const path = writeCrm('changed.tsv', [table[0] as string[], row, other]);
    const res = await cli(t, 'import', 'contact-events', path, '--json');
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ inserted: 1, updated: 1, summary: { linkedToChurnguard: 1 } });
    const list = await events();
    expect(list.map((e) => [e.crm_number, e.outcome, e.task_id === taskId])).toEqual([
      ['Р-1001', 'not_held', true],
      ['Р-1002', 'held', false],
    ]);
  });

  it('exports the tasks (ПриЗ) with the reference, and xlsx on request', async () => {
    const out = join(t.varDir, 'tasks.tsv');
    const res = await cli(t, 'export', 'tasks', '--from', '2024-07-01', '--to', '2024-07-31', '--out', out);
    expect(res.code, res.err).toBe(0);
    const [header, first] = rows(out);
    expect(header).toContain('Направление деятельности');
    expect(first).toEqual([
      '',
      '204036',
      'Иванова Мария Петровна',
      'Лукина Е.И.',
      'Дистанционный контакт',
      'Звонок ЛПР по рассылке',
      '10.07.2024 09:00:00',
      '10.07.2024 18:00:00',
      '2',
      'Выполнено',
      `[cg:task ${taskId}]`,
    ]);
    const xlsx = join(t.varDir, 'work.xlsx');
    expect((await cli(t, 'export', 'contact-events', '--from', '01.07.2024', '--to', '31.07.2024', '--out', xlsx)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets[0]?.getRow(2).getCell(9).value).toBe(`[cg:task ${taskId}]`);
    const bad = await cli(t, 'export', 'contact-events', '--from', '31.07.2024', '--to', '01.07.2024', '--out', xlsx);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--to: 01.07.2024 раньше --from 31.07.2024');
  });
});
