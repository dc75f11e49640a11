import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, importBase, writeTsv } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  await importBase(t);
  await cli(
    t,
    'import',
    'contacts',
    writeTsv(t, 'contacts.tsv', [
      ['Номер клиента', 'ФИО', 'ЛПР'],
      [198183, 'Полчихина Елена Ивановна', 'Да'],
    ]),
  );
});
afterAll(() => t.close());

async function json(...argv: string[]) {
  const res = await cli(t, ...argv, '--json');
  if (res.code !== 0) throw new Error(res.err);
  return JSON.parse(res.out);
}

describe('event exports', () => {
  it("imports contact events from the CRM's «Работы», mapping states and executors, and updates a planned one once held", async () => {
    const header = [
      'Номер',
      'Номер клиента',
      'Контактное лицо',
      'Исполнитель',
      'Способ контакта',
      'Плановая да...',
      'Состояние',
      'Цель контакта',
      'Комментарий к действию',
      'Причина / результат',
    ];
    const rows = [
      header,
      [
        '7183963',
        198183,
        'Полчихина Елена Ивановна',
        'Лукина Е.И. (Специалист дистанционного контакта)',
        'Телефонный контакт',
        '11.07.2024 8:00:00',
        'Контакт состоялся',
        '',
        'новости по НДФЛ, видеосеминары',
        'Контакт состоялся с входом',
      ],
      [
        '7183964',
        193221,
        'Квач Галина Александровна',
        'Лукина Е.И. (Специалист дистан...',
        'Телефонный контакт',
        '31.07.2024 22:13:59',
        'Запланирована',
        'Обучить бухгалтера.',
        '',
        '',
      ],
      ['', 195996, '', 'Савостина К.А.', 'Электронная почта', '2024-05-20', 'Не состоялся', '', '', ''],
      ['', 195996, '', 'Савостина К.А.', 'Электронная почта', '2024-05-20', 'Не состоялся', '', '', ''],
    ];
    expect(await json('import', 'contact-events', writeTsv(t, 'works.tsv', rows))).toMatchObject({ inserted: 4, updated: 0 });
    rows[2] = [
      '7183964',
      193221,
      'Квач Галина Александровна',
      'Лукина Е.И.',
      'Телефонный контакт',
      '31.07.2024 22:13:59',
      'Контакт состоялся',
      'Обучить бухгалтера.',
      'зашли в видеосеминары',
      'Контакт состоялся с входом',
    ];
    expect(await json('import', 'contact-events', writeTsv(t, 'works-2.tsv', rows))).toMatchObject({
      inserted: 0,
      updated: 1,
      unchanged: 3,
    });
    const { rows: events } = await t.app.pool.query(
      `SELECT e.crm_number, e.outcome, e.channel, e.occurred_at, e.contact_id IS NOT NULL AS linked, m.name AS employee
         FROM contact_events e JOIN employees m ON m.id = e.employee_id ORDER BY e.crm_number NULLS LAST, e.id`,
    );
    expect(events).toEqual([
      {
        crm_number: '7183963',
        outcome: 'held_with_login',
        channel: 'phone',
        occurred_at: new Date('2024-07-11T05:00:00Z'),
        linked: true,
        employee: 'Лукина Е.И.',
      },
      {
        crm_number: '7183964',
        outcome: 'held_with_login',
        channel: 'phone',
        occurred_at: new Date('2024-07-31T19:13:59Z'),
        linked: false,
        employee: 'Лукина Е.И.',
      },
      {
        crm_number: null,
        outcome: 'not_held',
        channel: 'email',
        occurred_at: new Date('2024-05-19T21:00:00Z'),
        linked: false,
        employee: 'Савостина К.А.',
      },
      {
        crm_number: null,
        outcome: 'not_held',
        channel: 'email',
        occurred_at: new Date('2024-05-19T21:00:00Z'),
        linked: false,
        employee: 'Савостина К.А.',
      },
    ]);
  });

  it('imports webinars, cabinet and hotline requests with natural keys, so overlapping exports add only what is new', async () => {
    const webinars = [
      ['Номер клиента', 'ФИО', 'Дата', 'Вебинар'],
      [198183, 'Полчихина Елена Ивановна', '12.03.2024', 'НДФЛ в 2024 году'],
    ];
    expect(await json('import', 'webinars', writeTsv(t, 'w1.tsv', webinars))).toMatchObject({ inserted: 1 });
    webinars.push([198183, 'Полчихина Елена Ивановна', '16.04.2024', 'Охрана труда']);
    expect(await json('import', 'webinars', writeTsv(t, 'w2.tsv', webinars))).toMatchObject({ inserted: 1, unchanged: 1 });
    const lk = [
      ['Номер клиента', 'Дата', 'Тип обращения'],
      [198183, '01.04.2024', 'Запрос документа'],
      [198183, '01.04.2024', 'Запрос документа'],
    ];
    expect(await json('import', 'lk-requests', writeTsv(t, 'lk.tsv', lk))).toMatchObject({ inserted: 2 });
    const hotline = [
      ['Номер клиента', 'Дата', 'Тип'],
      [193221, '15.05.2024', 'документ'],
      [193221, '16.05.2024', ''],
    ];
    expect(await json('import', 'hotline', writeTsv(t, 'gl.tsv', hotline))).toMatchObject({ inserted: 2 });
    const { rows } = await t.app.pool.query(`SELECT kind FROM hotline_requests ORDER BY requested_on`);
    expect(rows.map((r) => r.kind)).toEqual(['document', 'question']);
    const bad = await cli(
      t,
      'import',
      'hotline',
      writeTsv(t, 'gl-bad.tsv', [
        ['Номер клиента', 'Дата', 'Тип'],
        [193221, '15.05.2024', 'жалоба'],
      ]),
    );
    expect(bad.err).toMatch(/gl-bad\.tsv:2:3: Тип: «жалоба» — не тип обращения на ГЛ \(ожидалось вопрос или документ\)/);
  });

  it('imports payments by month; a repeated month is an error', async () => {
    const rows = [
      ['Номер клиента', 'Месяц', 'Начислено', 'Оплачено', 'Задолженность'],
      [198183, '04.2024', '31 000,00', '31 000,00', '0,00'],
      [198183, '05.2024', '31 000,00', '15 000,00', '16 000,00'],
    ];
    expect(await json('import', 'payments', writeTsv(t, 'pay.tsv', rows))).toMatchObject({
      inserted: 2,
      summary: { from: '2024-04-01', to: '2024-05-01' },
    });
    rows.push([198183, '05.2024', '1', '1', '0']);
    const res = await cli(t, 'import', 'payments', writeTsv(t, 'pay-bad.tsv', rows));
    expect(res.err).toMatch(/pay-bad\.tsv:4:2: клиент 198183, месяц 2024-05 уже есть в строке 3/);
  });

  it('accepts English headers, semicolons and quoted fields', async () => {
    const path = writeTsv(t, 'lk.csv', [['client number;date;request type'], ['198183;2024-05-02;"Запрос; срочный"']]);
    expect(await json('import', 'lk-requests', path)).toMatchObject({ inserted: 1, summary: { delimiter: ';' } });
  });
});
