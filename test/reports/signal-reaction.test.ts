/**
 * `report signals` on known times: per signal the mailer's, the person's and the work's
 * intervals, their median and 90th percentile per department and per field specialist, and the
 * week-by-week chart the overview shows. Baseline signals are left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClient, addDepartment, addEmployee } from '../fixtures/desk.js';
import { runCapturedCli } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
const H = 3_600_000;
const M = 60_000;

beforeAll(async () => {
  t = await createTestEnv();
  const db = t.app.pool;
  const north = await addDepartment(db, 'Сопровождение Север_502');
  const south = await addDepartment(db, 'Сопровождение Юг_502');
  const a = await addEmployee(db, { name: 'Нелина А.Ю.', role: 'field', departmentId: north });
  const b = await addEmployee(db, { name: 'Ершов Б.В.', role: 'field', departmentId: south });
  const base = new Date('2024-06-03T09:00:00+03:00').getTime();
  // [field, detected offset, mailer min, person min, work: 'contact' min | 'task' min | null, baseline]
  const specs: [number, number, number, number | null, ['contact' | 'task', number] | null, boolean][] = [
    [a, 0, 1, 30, ['contact', 120], false],
    [a, H, 2, 60, ['task', 240], false],
    [a, 2 * H, 3, 90, null, false],
    [b, 7 * 24 * H, 4, 10, ['contact', 20], false],
    [b, 7 * 24 * H + H, 5, null, null, false],
    // The baseline: never e-mailed, never counted.
    [b, 0, 0, null, null, true],
  ];
  let n = 0;
  for (const [field, off, mailer, person, work, baseline] of specs) {
    n++;
    const client = await addClient(db, { number: 220000 + n, fieldId: field });
    const detected = new Date(base + off);
    const emailed = baseline ? null : new Date(detected.getTime() + mailer * M);
    const acked = person === null || !emailed ? null : new Date(emailed.getTime() + person * M);
    const workAt = acked && work ? new Date(acked.getTime() + work[1] * M) : null;
    const task = await db.query(
      `INSERT INTO tasks (kind, direction, title, assignee_id, client_id, priority, payload, dedup_key, created_by, created_at, state, closed_at)
       VALUES ('signal', 'service', 'Сигнал', $1, $2, 1, '{}', $6, 'test', $3, $4, $5) RETURNING id`,
      [field, client, detected, work?.[0] === 'task' ? 'done' : 'open', work?.[0] === 'task' ? workAt : null, `sig.${client}`],
    );
    await db.query(
      `INSERT INTO signals (client_id, kind, detected_at, summary, dedup_key, task_id, emailed_at, acknowledged_at, acknowledged_by, baseline)
       VALUES ($1, 'services_unused', $2, 'Не пользуется сервисами', $8, $3, $4, $5, $6, $7)`,
      [client, detected, task.rows[0].id, emailed, acked, acked ? 'по ссылке' : null, baseline, `test.${client}`],
    );
    // A held contact before the acknowledgement does not count; the first one after it does.
    if (work?.[0] === 'contact' && acked && workAt) {
      await db.query(
        `INSERT INTO contact_events (client_id, outcome, occurred_at, natural_key) VALUES ($1, 'held', $2, $4), ($1, 'held', $3, $5)`,
        [client, new Date(acked.getTime() - 5 * M), workAt, `ce.${client}.1`, `ce.${client}.2`],
      );
    }
  }
});
afterAll(() => t.close());

describe('report signals: reaction where people act', () => {
  it('gives each signal its three intervals, and their median and 90th percentile per department and specialist', async () => {
    const res = await runCapturedCli(t.config, ['report', 'signals', '--from', '2024-06-01', '--to', '2024-06-30', '--json']);
    expect(res.code, res.err).toBe(0);
    const r = JSON.parse(res.out);
    const [list, , departments, specialists] = r.sections;
    expect(list.rows).toHaveLength(5);
    expect(list.rows.map((x: { reaction: number; person: number | null; work: number | null }) => [x.reaction, x.person, x.work])).toEqual([
      [1, 30, 120],
      [2, 60, 240],
      [3, 90, null],
      [4, 10, 20],
      [5, null, null],
    ]);
    expect(departments.title).toBe('Скорость реакции двух отделов по подразделениям');
    const north = departments.rows.find((x: { name: string }) => x.name === 'Сопровождение Север_502');
    // person: 30, 60, 90 → median 60, p90 = 60 + 0.8 × 30 = 84; work: 120, 240 → median 180, p90 228.
    expect(north).toMatchObject({ signals: 3, mailer_med: 2, person_med: 60, person_p90: 84, work_med: 180, work_p90: 228 });
    expect(departments.rows.find((x: { name: string }) => x.name === 'Сопровождение Юг_502')).toMatchObject({
      signals: 2,
      person_med: 10,
      work_med: 20,
    });
    expect(departments.totals).toMatchObject({ signals: 5, person_med: 45 });
    expect(specialists.rows.map((x: { name: string }) => x.name)).toEqual(['Ершов Б.В.', 'Нелина А.Ю.']);
    const chart = r.charts.find((c: { kind: string }) => c.kind === 'lines');
    expect(chart.categories).toEqual(['03.06', '10.06']);
    expect(chart.series.map((s: { name: string; values: (number | null)[] }) => [s.name, s.values])).toEqual([
      ['Письмо принято', [0.03, 0.08]],
      ['Принято в работу', [1, 0.17]],
      ['Контакт или задача закрыта', [3, 0.33]],
    ]);
  });
});
