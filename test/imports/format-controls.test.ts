/**
 * Unicode format controls (category Cf: the bidi override U+202E that makes «Иванов» print as
 * «вонавИ», zero-width spaces, a stray BOM) are stripped from imported values like control
 * characters, and whatever reaches a terminal line — `import`'s error lines (a file name may
 * carry one), `explain` over a name stored before this rule — shows them escaped, never raw.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli, importBase, writeTsv } from './helpers.js';

const RLO = '\u202e';
/** Every format control the tests use; none may reach the database or a terminal raw. */
const RAW = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff\u00ad]/;

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  await importBase(t);
});
afterAll(() => t.close());

describe('format controls', () => {
  it('are stripped from imported names like control characters', async () => {
    const file = writeTsv(t, 'contacts.tsv', [
      ['Номер клиента', 'ФИО', 'Должность', 'ЛПР', 'Email'],
      [192906, `Ив${RLO}анова\u200b Мария\u2066 Петровна\u2069`, `Дир\u00adектор\ufeff`, 'Да', 'ivanova@example.ru'],
    ]);
    const res = await cli(t, 'import', 'contacts', file);
    expect(res.code, res.err).toBe(0);
    const { rows } = await t.app.pool.query("SELECT full_name, position FROM contacts WHERE email = 'ivanova@example.ru'");
    expect(rows).toEqual([{ full_name: 'Иванова Мария Петровна', position: 'Директор' }]);
  });

  it('are escaped in import error lines, the file name included', async () => {
    const path = join(t.varDir, `contacts${RLO}vst.tsv`);
    writeFileSync(path, `Номер клиента\tФИО\n999999\tКто-то${RLO}\n`);
    const res = await cli(t, 'import', 'contacts', path);
    expect(res.code).toBe(1);
    expect(res.err).not.toMatch(RAW);
    expect(res.err).toContain('contacts\\u202evst.tsv:2:1');
  });

  it('are escaped in explain, even in a name stored before they were stripped', async () => {
    await t.app.pool.query('UPDATE clients SET name = $1 WHERE number = 192906', [`Мин. СХ${RLO} и прод. БО\u200b`]);
    const res = await cli(t, 'explain', '192906');
    expect(res.code, res.err).toBe(0);
    expect(res.out).not.toMatch(RAW);
    expect(res.out).toContain('Мин. СХ\\u202e и прод. БО\\u200b');
  });
});
