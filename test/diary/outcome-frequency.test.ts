import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEnv } from '../helpers/env.js';
import { cli } from '../imports/helpers.js';
import { csrfOf, DiaryClient, openSignInLink } from './client.js';
import { type DiaryDesk, type DiaryWorld, openDiaryDesk } from './fixtures.js';

let desk: DiaryDesk;
let t: TestEnv;
let base: string;
let w: DiaryWorld;
const q = async (sql: string, params: unknown[] = []) => (await t.app.pool.query(sql, params)).rows;

beforeAll(async () => {
  desk = await openDiaryDesk();
  ({ t, w, base } = desk);
});
afterAll(() => desk?.close());

describe('the outcome form’s frequency', () => {
  it('refuses a bad frequency, then sets «2 р в месяц» with the history and plans the call 15 days on', async () => {
    const token = JSON.parse((await cli(t, 'employee', 'token', 'Лукина Елена Ивановна', '--json')).out).token;
    const c = new DiaryClient(base);
    expect((await openSignInLink(c, token)).status).toBe(303);
    const page = await c.get(`/diary/tasks/${w.tasks.call}`);
    expect(page.body).toContain('name="frequency"');
    const csrf = csrfOf(page.body);
    const [{ contact_id: contactId }] = await q('SELECT contact_id FROM tasks WHERE id = $1', [w.tasks.call]);
    const contact = async () =>
      (await q('SELECT contact_frequency_months AS months, contact_interval_days AS days FROM contacts WHERE id = $1', [contactId]))[0];
    const before = await contact();

    const bad = await c.post(`/diary/tasks/${w.tasks.call}/outcome`, { csrf, outcome: 'held', frequency: 'иногда' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Частота контакта не принята');
    expect((await q('SELECT state FROM tasks WHERE id = $1', [w.tasks.call]))[0].state).toBe('open');
    expect(await contact()).toEqual(before);

    const ok = await c.post(`/diary/tasks/${w.tasks.call}/outcome`, { csrf, outcome: 'held', frequency: '2 р в месяц' });
    expect(ok.status).toBe(303);
    expect(await contact()).toEqual({ months: null, days: 15 });
    const [change] = await q(`SELECT by_name, after FROM task_changes WHERE task_id = $1 AND field = 'contact_frequency'`, [w.tasks.call]);
    expect(change).toEqual({ by_name: 'Лукина Елена Ивановна', after: 'раз в 15 дн.' });
    const [next] = await q(`SELECT planned_at FROM tasks WHERE dedup_key = $1`, [`follow-up.${w.tasks.call}`]);
    expect(next.planned_at).toEqual(new Date('2024-06-21T09:00:00+03:00'));
  });
});
