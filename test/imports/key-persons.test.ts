import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPersonChanges } from '../../src/domain/key-persons.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, fixture, importBase, writeTsv } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  await importBase(t);
});
afterAll(() => t.close());

const HEADER = ['Номер клиента', 'ФИО', 'Должность', 'ЛПР', 'ЛВПР', 'Ключевой пользователь', 'Email', 'Согласие на рассылку'];

describe('key-person changes', () => {
  it('pairs who left a role with who came, and ignores a role filled where nobody left', () => {
    const h = (contactId: number, role: 'lpr' | 'lvpr' | 'key_user', name: string) => ({ clientId: 1, role, contactId, name });
    expect(keyPersonChanges([h(1, 'lpr', 'А')], [h(2, 'lpr', 'Б')])).toEqual([
      { clientId: 1, role: 'lpr', leftContactId: 1, leftName: 'А', cameContactId: 2, cameName: 'Б' },
    ]);
    expect(keyPersonChanges([h(1, 'key_user', 'А')], [])).toEqual([
      { clientId: 1, role: 'key_user', leftContactId: 1, leftName: 'А', cameContactId: null, cameName: null },
    ]);
    expect(keyPersonChanges([], [h(2, 'lvpr', 'Б')])).toEqual([]);
    expect(keyPersonChanges([h(1, 'lpr', 'А')], [h(1, 'lpr', 'А'), h(2, 'lpr', 'Б')])).toEqual([]);
  });

  it('records a replaced ЛПР and a removed key user when a contacts import changes them, and deactivates the missing', async () => {
    const first = await cli(t, 'import', 'contacts', fixture('contacts.xlsx'), '--json');
    expect(JSON.parse(first.out)).toMatchObject({ inserted: 5, summary: { keyPersonChanges: 0, deactivated: 0 } });
    // Био Технология: the director (ЛПР) is replaced by a new one; the HR officer (key user) is no longer listed.
    const second = writeTsv(t, 'contacts-2.tsv', [
      HEADER,
      [
        198183,
        'Лазарева Анна Владимировна',
        'Начальник планово-экономического отдела',
        'Нет',
        'Да',
        'Нет',
        'lazareva@bio-tech.example',
        'Да',
      ],
      [198183, 'Полчихина Елена Ивановна', 'Директор', 'Нет', 'Нет', 'Нет', 'director@bio-tech.example', 'Да'],
      [198183, 'Орлов Сергей Петрович', 'Генеральный директор', 'Да', 'Нет', 'Нет', 'orlov@bio-tech.example', 'Да'],
    ]);
    const res = await cli(t, 'import', 'contacts', second, '--json', '--now', '2024-06-03T09:00:00+03:00');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ inserted: 1, updated: 1, unchanged: 1, summary: { keyPersonChanges: 2, deactivated: 1 } });
    const { rows } = await t.app.pool.query(
      `SELECT k.role, k.left_name, k.came_name, k.detected_at, c.number, i.kind
         FROM key_person_changes k JOIN clients c ON c.id = k.client_id JOIN imports i ON i.id = k.import_id ORDER BY k.role`,
    );
    for (const r of rows) expect(Math.abs(r.detected_at.getTime() - Date.parse('2024-06-03T06:00:00Z'))).toBeLessThan(60_000);
    expect(rows.map(({ detected_at, ...r }) => r)).toEqual([
      {
        role: 'key_user',
        left_name: 'Фурцева Алла Владимировна',
        came_name: null,
        number: 198183,
        kind: 'contacts',
      },
      {
        role: 'lpr',
        left_name: 'Полчихина Елена Ивановна',
        came_name: 'Орлов Сергей Петрович',
        number: 198183,
        kind: 'contacts',
      },
    ]);
    const contacts = await t.app.pool.query(`SELECT full_name, active, position_type FROM contacts ORDER BY full_name`);
    expect(contacts.rows.filter((r) => !r.active).map((r) => r.full_name)).toEqual(['Фурцева Алла Владимировна']);
    // The other client of the first file was not listed: its contacts stay as they were.
    expect(contacts.rows.find((r) => r.full_name === 'Квач Галина Александровна')?.active).toBe(true);
    expect(contacts.rows.find((r) => r.full_name === 'Орлов Сергей Петрович')?.position_type).toBe('manager');
    // The same snapshot again: no change, no new event.
    const again = await cli(t, 'import', 'contacts', second);
    expect(again.out).toMatch(/уже загружен/);
    expect((await t.app.pool.query('SELECT count(*)::int AS n FROM key_person_changes')).rows[0].n).toBe(2);
  });

  it('reads the CRM’s «Пол» when the export has it, keeps it when a later export lacks the column, and warns on a bad value', async () => {
    const withGender = writeTsv(t, 'contacts-gender.tsv', [
      [...HEADER, 'Пол'],
      [198183, 'Лазарева Анна Владимировна', 'Начальник ПЭО', 'Нет', 'Да', 'Нет', 'lazareva@bio-tech.example', 'Да', 'Ж'],
      [198183, 'Орлов Сергей Петрович', 'Генеральный директор', 'Да', 'Нет', 'Нет', 'orlov@bio-tech.example', 'Да', 'муж.'],
      [198183, 'Ким Ён Хи', 'Юрист', 'Нет', 'Нет', 'Нет', 'kim@bio-tech.example', 'Да', 'жен'],
      [198183, 'Полчихина Елена Ивановна', 'Директор', 'Нет', 'Нет', 'Нет', 'director@bio-tech.example', 'Да', 'да'],
    ]);
    const res = await cli(t, 'import', 'contacts', withGender);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/contacts-gender\.tsv:5:9: Пол: «да» не распознан как пол \(ожидалось «М» или «Ж»\)/);
    const genders = async () =>
      Object.fromEntries(
        (
          await t.app.pool.query(
            `SELECT full_name, gender FROM contacts WHERE full_name IN ('Лазарева Анна Владимировна', 'Орлов Сергей Петрович', 'Ким Ён Хи', 'Полчихина Елена Ивановна')`,
          )
        ).rows.map((r) => [r.full_name, r.gender]),
      );
    expect(await genders()).toEqual({
      'Лазарева Анна Владимировна': 'f',
      'Орлов Сергей Петрович': 'm',
      'Ким Ён Хи': 'f',
      'Полчихина Елена Ивановна': null,
    });
    // A later export without «Пол» does not forget it.
    const without = writeTsv(t, 'contacts-no-gender.tsv', [
      HEADER,
      [198183, 'Лазарева Анна Владимировна', 'Начальник ПЭО', 'Нет', 'Да', 'Нет', 'lazareva@bio-tech.example', 'Да'],
      [198183, 'Орлов Сергей Петрович', 'Генеральный директор', 'Да', 'Нет', 'Нет', 'orlov@bio-tech.example', 'Да'],
      [198183, 'Ким Ён Хи', 'Юрист', 'Нет', 'Нет', 'Нет', 'kim@bio-tech.example', 'Да'],
    ]);
    expect((await cli(t, 'import', 'contacts', without)).code).toBe(0);
    expect((await genders())['Ким Ён Хи']).toBe('f');
  });
});
