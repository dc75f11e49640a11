/**
 * CRM exports as they really are: a data-quality problem of one field (a mistyped address, a
 * phone that is not a phone, a missing optional column) warns and imports the row; control
 * characters never reach the tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../src/domain/periods.js';
import { computeWeek } from '../../src/health/score-week.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, importBase, writeTsv } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  await importBase(t);
});
afterAll(() => t.close());

const HEADER = [
  'Номер клиента',
  'ФИО',
  'Должность',
  'ЛПР',
  'ЛВПР',
  'Ключевой пользователь',
  'Пользователь системы',
  'Email',
  'Телефон',
  'Согласие на рассылку',
];

const contact = async (name: string) =>
  (
    await t.app.pool.query(
      `SELECT email, email_status, email_problem, phone, invalid_values, is_lpr, is_system_user, consent, position
         FROM contacts WHERE full_name = $1`,
      [name],
    )
  ).rows[0];

const addressTasks = async (name: string) =>
  (
    await t.app.pool.query(
      `SELECT t.state, t.title, e.name AS assignee
         FROM tasks t JOIN contacts k ON k.id = t.contact_id LEFT JOIN employees e ON e.id = t.assignee_id
        WHERE t.kind = 'fix-crm-email' AND k.full_name = $1`,
      [name],
    )
  ).rows;

describe('a contacts export with one mistyped address', () => {
  const rows = (email: string) => [
    HEADER,
    [192906, 'Пленчук Татьяна Сергеевна', 'Директор', 'Да', 'Нет', 'Нет', 'Нет', 'plenchuk@apk.example', '8-910-123-45-67', 'Да'],
    [192906, 'Журавлев Олег Петрович', 'Главный бухгалтер', 'Нет', 'Да', 'Нет', 'Да', email, 'звонить после обеда', 'Да'],
    [193221, 'Семенова Анна Ивановна', 'Юрист', 'Нет', 'Нет', 'Да', 'Да', 'директор@поплавский.рф', '+7 (4722) 32-12-34 доб. 105', 'Да'],
  ];

  it('imports every row with a warning naming line and column, flags the address and sets one fix task', async () => {
    const path = writeTsv(t, 'contacts-typo.tsv', rows('zhuravlev@@apk.example'));
    const res = await cli(t, 'import', 'contacts', path);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/строк 3 — добавлено 3/);
    expect(res.out).toContain('предупреждения (2; эти строки загружены, значения отмечены):');
    expect(res.out).toContain(`${path}:3:8: Email: «zhuravlev@@apk.example» — не адрес e-mail: в адресе больше одного знака @`);
    expect(res.out).toContain(`${path}:3:9: Телефон: «звонить после обеда» — не номер телефона`);
    expect(await contact('Журавлев Олег Петрович')).toMatchObject({
      email: 'zhuravlev@@apk.example',
      email_status: 'invalid',
      email_problem: 'в адресе больше одного знака @',
      phone: 'звонить после обеда',
      invalid_values: { Телефон: 'звонить после обеда' },
    });
    // The internationalised address is valid (RFC 6531): no warning, no flag.
    expect(await contact('Семенова Анна Ивановна')).toMatchObject({ email_status: 'unknown', email_problem: null });
    const tasks = await addressTasks('Журавлев Олег Петрович');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ state: 'open', assignee: 'Савостина К.А.' });
    expect(tasks[0].title).toContain('Исправить адрес e-mail в КИС: Журавлев Олег Петрович');

    const json = await cli(t, 'imports', '--kind', 'contacts', '--json');
    const [latest] = JSON.parse(json.out);
    expect(latest.summary.warnings.count).toBe(2);
    expect(latest.summary.warnings.listed[0]).toContain(':3:8: Email:');
  });

  it('lists the address among the problems with its reason', async () => {
    const res = await cli(t, 'report', 'contacts', '--problems');
    expect(res.code, res.err).toBe(0);
    const line = res.out.split('\n').find((l) => l.includes('zhuravlev@@apk.example'));
    expect(line).toBeDefined();
    expect(line).toContain('Журавлев Олег Петрович');
    expect(line).toContain('адрес с ошибкой: в адресе больше одного знака @');
    expect(line).toContain('открыта');
  });

  it('keeps one task per contact on a repeat, and closes it when a later import brings a valid address', async () => {
    const again = await cli(t, 'import', 'contacts', writeTsv(t, 'contacts-typo-2.tsv', [...rows('zhuravlev@@apk.example'), []]));
    expect(again.code, again.err).toBe(0);
    expect(await addressTasks('Журавлев Олег Петрович')).toHaveLength(1);
    const fixed = await cli(t, 'import', 'contacts', writeTsv(t, 'contacts-fixed.tsv', rows('zhuravlev@apk.example')));
    expect(fixed.code, fixed.err).toBe(0);
    expect(await contact('Журавлев Олег Петрович')).toMatchObject({ email_status: 'unknown', email_problem: null });
    const [task] = await addressTasks('Журавлев Олег Петрович');
    expect(task.state).toBe('done');
    const report = await cli(t, 'report', 'contacts', '--problems');
    expect(report.out).not.toContain('zhuravlev@');
  });

  it('still rejects the whole file for a structural problem (an unknown client)', async () => {
    const bad = [...rows('zhuravlev@apk.example'), [999999, 'Иванов Иван Иванович', '', '', '', '', '', 'x@@y', '', '']];
    const res = await cli(t, 'import', 'contacts', writeTsv(t, 'contacts-unknown.tsv', bad));
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/contacts-unknown\.tsv:5:1: клиент 999999 неизвестен/);
    expect(await contact('Иванов Иван Иванович')).toBeUndefined();
  });
});

describe('a contacts export without optional columns', () => {
  it('warns naming «Пользователь системы» and what it affects, records unknown, keeps what was known', async () => {
    // Known from the first describe block: Журавлев is a system user, consents.
    const path = writeTsv(t, 'contacts-no-user.tsv', [
      ['Номер клиента', 'ФИО', 'ЛПР', 'Email'],
      [192906, 'Журавлев Олег Петрович', 'Нет', 'zhuravlev@apk.example'],
      [192906, 'Новикова Мария Павловна', 'Да', 'novikova@apk.example'],
    ]);
    const res = await cli(t, 'import', 'contacts', path, '--json');
    expect(res.code, res.err).toBe(0);
    const out = JSON.parse(res.out);
    const listed: string[] = out.warnings.listed;
    expect(listed.find((w) => w.includes('«Пользователь системы»'))).toMatch(
      /contacts-no-user\.tsv:1:1: нет столбца «Пользователь системы»: от него зависят норма обучения \(показатель «Обучение» — н\/д\)/,
    );
    expect(listed.some((w) => w.includes('нет столбца «Согласие на рассылку»'))).toBe(true);
    expect(listed.some((w) => w.includes('нет столбца «ЛВПР»'))).toBe(true);
    expect(listed.some((w) => w.includes('нет столбца «ЛПР»'))).toBe(false);
    expect(await contact('Журавлев Олег Петрович')).toMatchObject({ is_system_user: true, consent: true, is_lpr: false });
    expect(await contact('Новикова Мария Павловна')).toMatchObject({ is_system_user: null, consent: null, is_lpr: true });
  });

  it('makes the training component н/д for a client with a contact whose use of the system is unknown', async () => {
    // Trainings fresh, so only the unknown «Пользователь системы» can make training н/д.
    const trainings = writeTsv(t, 'trainings.tsv', [
      ['Номер клиента', 'ФИО', 'Дата обучения', 'Тема'],
      [192906, 'Журавлев Олег Петрович', '01.03.2024', 'Поиск'],
      [193221, 'Семенова Анна Ивановна', '01.03.2024', 'Поиск'],
    ]);
    expect((await cli(t, 'import', 'trainings', trainings)).code).toBe(0);
    const week = periodOf('isoweek', new Date(), t.config.ric.timeZone);
    const ids = (await t.app.pool.query('SELECT id, number FROM clients WHERE number IN (192906, 193221)')).rows;
    const idOf = (n: number) => ids.find((r) => r.number === n)?.id as number;
    const { scores } = await computeWeek(t.app, week, [idOf(192906), idOf(193221)]);
    const training = (n: number) => scores.find((s) => s.clientId === idOf(n))?.components.training;
    expect(training(192906)).toEqual({ score: null, reason: 'н/д: нет данных, кто из контактных лиц пользователь системы (1)' });
    // A client whose contacts are all known is scored as before.
    expect(training(193221)?.score).not.toBeNull();
  });
});

describe('control characters', () => {
  it('are removed from every imported value; names keep letters, quotes and <b>-like text', async () => {
    const path = writeTsv(t, 'contacts-control.tsv', [
      HEADER,
      [
        193556,
        'Кова\u001b[31mлева\u001b[0m Ирина\u0007 Петровна',
        'Главный "старший" <b>бухгалтер</b>\u009b2J\u0000',
        'Да',
        'Нет',
        'Нет',
        'Нет',
        'kova\u0085leva@print.example',
        '8-910-000-00-00',
        'Да',
      ],
    ]);
    const res = await cli(t, 'import', 'contacts', path);
    expect(res.code, res.err).toBe(0);
    const row = await contact('Ковалева Ирина Петровна');
    expect(row).toMatchObject({ position: 'Главный "старший" <b>бухгалтер</b>', email: 'kovaleva@print.example', email_status: 'unknown' });
  });

  it('left in the tables by older imports are escaped in table output', async () => {
    await t.app.pool.query(`UPDATE contacts SET full_name = 'Хак\u001b[2JЕр' WHERE full_name = 'Ковалева Ирина Петровна'`);
    await t.app.pool.query(`UPDATE contacts SET email_status = 'invalid', email_problem = 'x' WHERE full_name = 'Хак\u001b[2JЕр'`);
    const res = await cli(t, 'report', 'contacts', '--problems');
    expect(res.code, res.err).toBe(0);
    expect(res.out).not.toContain('\u001b');
    expect(res.out).toContain('Хак\\x1b[2JЕр');
  });
});
