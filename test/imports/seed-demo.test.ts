import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { generateRic } from '../../src/demo-data/model.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { cli } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  setClock(new Date('2024-06-03T09:00:00+03:00'));
});
afterAll(async () => {
  setClock(null);
  await t.close();
});

const one = async (sql: string) => (await t.app.pool.query(sql)).rows[0];
const hashes = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex'),
    ]),
  );

describe('seed-demo', () => {
  it('is deterministic for a seed and differs for another', () => {
    const a = generateRic({ clients: 50, seed: 7, today: '2024-06-03' });
    const b = generateRic({ clients: 50, seed: 7, today: '2024-06-03' });
    const c = generateRic({ clients: 50, seed: 8, today: '2024-06-03' });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('writes the RIC in the CRM formats and imports every file through the importer', async () => {
    const dir = join(t.varDir, 'seed');
    const res = await cli(t, 'seed-demo', '--clients', '120', '--dir', dir, '--json');
    expect(res.code, res.err).toBe(0);
    const outcomes = JSON.parse(res.out).outcomes;
    expect(outcomes.map((o: { kind: string }) => o.kind)).toEqual([
      'employees',
      'clients',
      'clients',
      'contacts',
      'contacts',
      'online-usage',
      'trainings',
      'webinars',
      'lk-requests',
      'hotline',
      'contact-events',
      'payments',
      'absences',
    ]);
    expect(outcomes.every((o: { status: string }) => o.status === 'imported')).toBe(true);
    // The generator writes what a careful CRM would: not one data-quality warning.
    expect(outcomes.flatMap((o: { warnings: { listed: string[] } }) => o.warnings.listed)).toEqual([]);
    const formats = outcomes.map((o: { summary: Record<string, string> }) => o.summary.encoding ?? o.summary.type);
    expect(formats).toContain('windows-1251');
    expect(formats).toContain('xlsx');
    expect(readFileSync(join(dir, '02-clients.tsv')).includes(Buffer.from('\r\n'))).toBe(true);
    expect(readFileSync(join(dir, '05-online-usage.txt')).includes(Buffer.from('Описание'))).toBe(false); // 1251, not UTF-8
    const first = hashes(dir);
    // Again: the same files byte for byte, each already imported.
    const again = await cli(t, 'seed-demo', '--clients', '120', '--dir', dir, '--json');
    expect(JSON.parse(again.out).outcomes.every((o: { status: string }) => o.status === 'already')).toBe(true);
    expect(hashes(dir)).toEqual(first);
  });

  it('gives every capability something to show', async () => {
    expect(await one(`SELECT count(*)::int AS n FROM departments`)).toEqual({ n: 3 });
    expect(
      await one(`SELECT count(*) FILTER (WHERE is_department_head)::int AS heads, count(*) FILTER (WHERE role = 'remote')::int AS remote,
                             count(*) FILTER (WHERE role = 'field')::int AS field FROM employees`),
    ).toEqual({ heads: 3, remote: 5, field: 3 });
    const clients =
      await one(`SELECT count(*) FILTER (WHERE monthly_fee > 15000)::int AS large, count(*) FILTER (WHERE monthly_fee <= 15000)::int AS small,
                                      count(DISTINCT category)::int AS categories, count(*) FILTER (WHERE 'double' = ANY(flags))::int AS double,
                                      count(*) FILTER (WHERE 'retention' = ANY(flags))::int AS retention,
                                      count(*) FILTER (WHERE state IN ('reorganization', 'liquidation'))::int AS reorg,
                                      count(*) FILTER (WHERE primary_advance_until <= '2024-06-17')::int AS advance_ending
                                 FROM clients`);
    expect(clients.large).toBeGreaterThan(10);
    expect(clients.small).toBeGreaterThan(10);
    expect(clients.categories).toBe(3);
    for (const k of ['double', 'retention', 'reorg', 'advance_ending']) expect(clients[k], k).toBeGreaterThan(0);
    // Usage: 26 weeks ending with the last full week; some clients stopped logging in, some are declining.
    const usage = await one(
      `SELECT min(period_start) AS first, max(period_end) AS last, count(DISTINCT period_start)::int AS weeks FROM online_usage`,
    );
    expect(usage).toEqual({ first: '2023-12-04', last: '2024-06-02', weeks: 26 });
    const dead = await one(`SELECT count(*)::int AS n FROM (SELECT client_id FROM online_usage GROUP BY client_id
                             HAVING sum(logins) FILTER (WHERE period_start >= '2024-05-06') = 0 AND sum(logins) > 0) x`);
    expect(dead.n).toBeGreaterThan(5);
    const events =
      await one(`SELECT count(*) FILTER (WHERE outcome = 'held_with_login')::int AS with_login, count(*) FILTER (WHERE outcome = 'held')::int AS held,
                                     count(*) FILTER (WHERE outcome = 'planned')::int AS planned, count(*) FILTER (WHERE outcome = 'not_held')::int AS not_held,
                                     count(*) FILTER (WHERE k.is_lpr AND e.outcome LIKE 'held%')::int AS with_lpr
                                FROM contact_events e LEFT JOIN contacts k ON k.id = e.contact_id`);
    for (const k of ['with_login', 'held', 'planned', 'not_held', 'with_lpr']) expect(events[k], k).toBeGreaterThan(0);
    const money = await one(`SELECT count(DISTINCT client_id) FILTER (WHERE debt > 0)::int AS debtors,
                                    count(DISTINCT client_id) FILTER (WHERE charged > (SELECT monthly_fee FROM clients c WHERE c.id = p.client_id))::int AS fee_cut
                               FROM payments p`);
    expect(money.debtors).toBeGreaterThan(0);
    expect(money.fee_cut).toBeGreaterThan(0);
    expect((await one(`SELECT count(*)::int AS n FROM key_person_changes`)).n).toBeGreaterThan(0);
    const contacts =
      await one(`SELECT count(*) FILTER (WHERE email LIKE '%.рф')::int AS rf, count(*) FILTER (WHERE email IS NULL)::int AS no_email,
                                       count(*) FILTER (WHERE consent)::int AS consent, count(*)::int AS n,
                                       count(*) FILTER (WHERE is_lpr AND NOT is_system_user)::int AS lpr_non_users
                                  FROM contacts WHERE active`);
    expect(contacts.rf).toBeGreaterThan(0);
    expect(contacts.no_email).toBeGreaterThan(0);
    expect(contacts.consent / contacts.n).toBeGreaterThan(0.7);
    expect(contacts.lpr_non_users).toBeGreaterThan(0);
    for (const table of ['trainings', 'webinar_attendance', 'lk_requests', 'hotline_requests']) {
      expect((await one(`SELECT count(*)::int AS n FROM ${table}`)).n, table).toBeGreaterThan(0);
    }
  });

  it('prints the share of clients each category and signal covers, none of them half the RIC', async () => {
    const dir = join(t.varDir, 'seed');
    const text = await cli(t, 'seed-demo', '--clients', '120', '--dir', dir);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/доля клиентов \(категории — неделя 2024-W22, сигналы — сейчас\):/);
    expect(text.out).toMatch(/ {2}категория «Низкая активность»: \d+ из \d+ \(\d+ %\)/);
    expect(text.out).toMatch(/ {2}сигнал «Отсутствие контакта с ключевым пользователем, ЛПР, ЛВПР»: \d+ из \d+ \(\d+ %\)/);
    const { shares } = JSON.parse((await cli(t, 'seed-demo', '--clients', '120', '--dir', dir, '--json')).out);
    expect(shares.categoryBase).toBeGreaterThan(100);
    expect(shares.signalBase).toBeGreaterThan(100);
    for (const [key, n] of Object.entries(shares.covered as Record<string, number>)) {
      const base = ['new', 'double', 'red_zone', 'low_activity', 'retention'].includes(key) ? shares.categoryBase : shares.signalBase;
      expect(n / base, key).toBeLessThan(0.4);
    }
    expect(shares.covered.low_activity).toBeGreaterThan(0);
    expect(shares.covered.no_key_contact).toBeGreaterThan(0);
  });
});
