/**
 * A person's norm and leave from the CRM's files, on the real PostgreSQL and Redis: the
 * employees export's optional «Норма звонков в день» sets the norm `admin employee capacity`
 * sets (a blank cell keeps it, a bad one refuses the file at its place, nothing changed); the
 * «Отсутствия» import writes each absence once (a re-import changes nothing, a bad row refuses
 * the file at its place), through `admin import` and the inbox; a specialist on leave gets no
 * plan and their urgent work is offered to the head.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTasks } from '../../src/db/tasks.js';
import { dayVisits, openVisitOf, overflowVisits } from '../../src/db/visits.js';
import { zonedTime } from '../../src/domain/dates.js';
import { processInbox } from '../../src/imports/inbox.js';
import { planWork } from '../../src/workload/plan-work.js';
import { addClient } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, writeTsv } from '../imports/helpers.js';

let t: TestEnv;
const TZ = 'Europe/Moscow';
const MON = '2024-06-03';
const at = (day: string, h = 8) => zonedTime(day, h, 0, TZ);

const LUKINA = 'Лукина Елена Ивановна';
const PLENCHUK = 'Пленчук Татьяна Сергеевна';
const SAVOSTINA = 'Савостина Ксения Андреевна';
const HEAD = 'Горина Ольга Викторовна';
const DEP = 'Дистанционный сервис_502';

async function norms(): Promise<Record<string, number | null>> {
  const { rows } = await t.app.pool.query<{ name: string; daily_capacity: number | null }>(
    'SELECT name, daily_capacity FROM employees ORDER BY name',
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.daily_capacity]));
}

async function absences(): Promise<string[]> {
  const { rows } = await t.app.pool.query<{ name: string; from_date: string; to_date: string }>(
    'SELECT e.name, a.from_date, a.to_date FROM employee_absences a JOIN employees e ON e.id = a.employee_id ORDER BY e.name, a.from_date',
  );
  return rows.map((r) => `${r.name} ${r.from_date}…${r.to_date}`);
}

async function employeeId(name: string): Promise<number> {
  const { rows } = await t.app.pool.query<{ id: number }>('SELECT id FROM employees WHERE name = $1', [name]);
  return rows[0]?.id as number;
}

beforeAll(async () => {
  t = await createTestEnv({
    overrides: { workload: { remote: 5, field: 4, head: 3, reserveShare: 0.2, defaultDueWorkingDays: 5 }, imports: { inboxSettleMs: 0 } },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('«Норма звонков в день» in the employees export', () => {
  it('sets the person’s own norm, the one `employee capacity` sets and the plan reads; a blank cell keeps it', async () => {
    const first = writeTsv(t, 'employees-1.tsv', [
      ['ФИО', 'Подразделение', 'Роль', 'Руководитель подразделения', 'Норма звонков в день'],
      [LUKINA, DEP, 'ДИС', 'Нет', '15'],
      [PLENCHUK, DEP, 'ДИС', 'Нет', ''],
      [SAVOSTINA, DEP, 'ДИС', 'Нет', ''],
      [HEAD, DEP, 'Руководитель', 'Да', ''],
    ]);
    const res = await cli(t, 'import', 'employees', first);
    expect(res.code, res.err).toBe(0);
    expect(await norms()).toMatchObject({ [LUKINA]: 15, [PLENCHUK]: null, [SAVOSTINA]: null });

    // The admin's norm for Пленчук stays through a later export whose cell is blank.
    const set = await cli(t, 'employee', 'capacity', PLENCHUK, '12');
    expect(set.code, set.err).toBe(0);
    const second = writeTsv(t, 'employees-2.tsv', [
      ['ФИО', 'Подразделение', 'Роль', 'Руководитель подразделения', 'Норма звонков в день'],
      [LUKINA, DEP, 'ДИС', 'Нет', '18'],
      [PLENCHUK, DEP, 'ДИС', 'Нет', ' '],
      [SAVOSTINA, DEP, 'ДИС', 'Нет', '0'],
      [HEAD, DEP, 'Руководитель', 'Да', ''],
    ]);
    const again = await cli(t, 'import', 'employees', second, '--json');
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ status: 'imported', updated: 2, unchanged: 2 });
    expect(await norms()).toMatchObject({ [LUKINA]: 18, [PLENCHUK]: 12, [SAVOSTINA]: 0 });

    // The plan shows the imported norm as the person's capacity.
    const plan = await cli(t, 'plan', '--employee', 'Лукина', '--date', MON, '--json');
    expect(plan.code, plan.err).toBe(0);
    expect(JSON.parse(plan.out).plans[0]).toMatchObject({ employee: LUKINA, capacity: 18 });

    // A file without the column leaves every norm as it is.
    const without = writeTsv(t, 'employees-3.tsv', [
      ['ФИО', 'Подразделение', 'Роль'],
      [LUKINA, DEP, 'ДИС'],
    ]);
    expect((await cli(t, 'import', 'employees', without)).code).toBe(0);
    expect(await norms()).toMatchObject({ [LUKINA]: 18, [PLENCHUK]: 12, [SAVOSTINA]: 0 });
  });

  it('refuses a file with a norm that is not a whole number 0–1000, naming file:line:column, and changes nothing', async () => {
    const before = await norms();
    const bad = writeTsv(t, 'employees-bad.tsv', [
      ['ФИО', 'Подразделение', 'Роль', 'Норма звонков в день'],
      [LUKINA, DEP, 'ДИС', '25'],
      [PLENCHUK, 'Другой отдел_502', 'ДИС', 'двадцать'],
      [SAVOSTINA, DEP, 'ДИС', '1500'],
    ]);
    const res = await cli(t, 'import', 'employees', bad);
    expect(res.code).toBe(1);
    expect(res.err).toContain(
      `${bad}:3:4: Норма звонков в день: «двадцать» — не норма звонков в день (ожидалось целое число от 0 до 1000, например 20, или пусто)`,
    );
    expect(res.err).toContain(`${bad}:4:4: Норма звонков в день: «1500» — не норма звонков в день`);
    expect(res.err).toContain('не загружен, ничего не изменено (2 ошибки)');
    expect(await norms()).toEqual(before);
    const { rows } = await t.app.pool.query(`SELECT 1 FROM departments WHERE name = 'Другой отдел_502'`);
    expect(rows).toHaveLength(0);
  });
});

describe('the «Отсутствия» import', () => {
  const header = ['Сотрудник', 'С', 'По'];

  it('writes each absence once: the same file again, or the same rows in another file, change nothing', async () => {
    const file = writeTsv(t, 'absences.tsv', [header, [LUKINA, '03.06.2024', '07.06.2024'], ['Пленчук Т.С.', '2024-06-10', '2024-06-10']]);
    const res = await cli(t, 'import', 'absences', file, '--json');
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'imported', kind: 'absences', rows: 2, inserted: 2 });
    expect(await absences()).toEqual([`${LUKINA} 2024-06-03…2024-06-07`, `${PLENCHUK} 2024-06-10…2024-06-10`]);

    const again = await cli(t, 'import', 'absences', file);
    expect(again.code).toBe(0);
    expect(again.out).toContain('уже загружен');
    // Another file (one more column, so another SHA-256) with the same absences: nothing added.
    const copy = writeTsv(t, 'absences-copy.tsv', [
      ['ФИО', 'Дата начала', 'Дата окончания', 'Комментарий'],
      [LUKINA, '03.06.2024', '07.06.2024', 'отпуск'],
    ]);
    const same = await cli(t, 'import', 'absences', copy, '--json');
    expect(same.code, same.err).toBe(0);
    expect(JSON.parse(same.out)).toMatchObject({ status: 'imported', inserted: 0, unchanged: 1 });
    expect(await absences()).toHaveLength(2);
  });

  it('refuses a file with an unknown person or a leave ending before it starts, naming file:line:column; nothing written', async () => {
    const bad = writeTsv(t, 'absences-bad.tsv', [
      header,
      [SAVOSTINA, '17.06.2024', '21.06.2024'],
      ['Иванов Иван Иванович', '17.06.2024', '21.06.2024'],
      [HEAD, '21.06.2024', '17.06.2024'],
      [LUKINA, '31.06.2024', '01.07.2024'],
    ]);
    const res = await cli(t, 'import', 'absences', bad);
    expect(res.code).toBe(1);
    expect(res.err).toContain(
      `${bad}:3:1: сотрудник «Иванов Иван Иванович» неизвестен (ожидался сотрудник из загруженной ранее выгрузки «Сотрудники»)`,
    );
    expect(res.err).toContain(
      `${bad}:4:3: По: 17.06.2024 раньше начала отсутствия 21.06.2024 (ожидалась дата не раньше даты в столбце «С»)`,
    );
    expect(res.err).toContain(`${bad}:5:2: С: «31.06.2024» — такой даты нет в календаре`);
    expect(res.err).toContain('не загружен, ничего не изменено (3 ошибки)');
    expect(await absences()).toHaveLength(2);
  });

  it('is taken from the inbox like the other exports (var/inbox/absences/)', async () => {
    const dir = join(t.varDir, 'inbox', 'absences');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'leave-june.tsv'),
      `${[header, [SAVOSTINA, '17.06.2024', '21.06.2024']].map((r) => r.join('\t')).join('\n')}\n`,
    );
    const stats = await processInbox(t.app);
    expect(stats).toMatchObject({ imported: 1, failed: 0 });
    expect(readdirSync(join(dir, 'done'))).toEqual(['leave-june.tsv']);
    expect(await absences()).toContain(`${SAVOSTINA} 2024-06-17…2024-06-21`);
  });
});

describe('a specialist on leave, from the imported «Отсутствия»', () => {
  it('has no plan while away; work due during the leave is overflow offered to the head, the rest waits for the return', async () => {
    // Лукина is away 03.06–07.06 (imported above).
    const lukina = await employeeId(LUKINA);
    const urgent = await addClient(t.app.pool, { remoteId: lukina });
    const later = await addClient(t.app.pool, { remoteId: lukina });
    const task = (client: number, kind: string, due: string, key: string) => ({
      kind,
      title: kind,
      assigneeId: lukina,
      clientId: client,
      plannedAt: at(MON, 9),
      dueAt: zonedTime(due, 18, 0, TZ),
      dedupKey: `capacity-import.${key}`,
      createdBy: 'test',
    });
    await insertTasks(
      t.app.pool,
      [task(urgent, 'signal', '2024-06-05', 'urgent'), task(later, 'risk-review', '2024-06-14', 'later')],
      at(MON),
    );
    await planWork(t.app, { date: MON, at: at(MON) });
    for (const d of ['2024-06-03', '2024-06-04', '2024-06-05', '2024-06-06', '2024-06-07'])
      expect(await dayVisits(t.app.pool, lukina, d)).toHaveLength(0);
    expect(await openVisitOf(t.app.pool, urgent, lukina)).toMatchObject({
      planned_on: null,
      overflow_reason: 'сотрудник отсутствует по 07.06: передайте визит другому',
    });
    expect((await openVisitOf(t.app.pool, later, lukina))?.planned_on).toBe('2024-06-10');
    // The head of her department sees it in the overflow list (the diary's «Не помещается в план»).
    const { rows } = await t.app.pool.query<{ department_id: number }>('SELECT department_id FROM employees WHERE id = $1', [lukina]);
    const over = await overflowVisits(t.app.pool, rows[0]?.department_id as number);
    expect(over.map((v) => v.client_id)).toEqual([urgent]);
  });
});
