/**
 * The desk's result reports on a known data set: the monthly contact funnel per mailing,
 * «Результаты проработки ЛПР/ЛВПР» (share per department per month, call outcomes) and
 * «Результаты вывода из первичного аванса» (per month of connection), with their charts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { insertTasks } from '../../src/db/tasks.js';
import type { FunnelChart, LinesChart, StackedBarsChart } from '../../src/reports/charts/types.js';
import { getReport } from '../../src/reports/index.js';
import type { Report } from '../../src/reports/types.js';
import { addLink, addMailing, addMessage } from '../delivery/mailing.js';
import { addClient, addContact, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
const build = (name: string, values: Record<string, string> = {}) => getReport(name)?.build(t.app, values) as Promise<Report>;
const rowsOf = (r: Report, i = 0) => r.sections[i]?.rows ?? [];

beforeAll(async () => {
  setClock(new Date('2024-06-20T10:00:00+03:00'));
  t = await createTestEnv();
  const db = t.app.pool;
  const d1 = await addDepartment(db, 'Дистанционный сервис 1_502');
  const d2 = await addDepartment(db, 'Дистанционный сервис 2_502');
  const r1 = await addEmployee(db, { name: 'Лукина Е.И.', departmentId: d1 });
  const r2 = await addEmployee(db, { name: 'Савостина К.А.', departmentId: d2 });

  // Primary advance: brought out and disconnected in January, one still on it from May;
  // a client without an advance date and one connected long ago do not count.
  await addClient(db, { connectedOn: '2024-01-15', primaryAdvanceUntil: '2024-02-15', state: 'served' });
  await addClient(db, { connectedOn: '2024-01-20', primaryAdvanceUntil: '2024-03-01', state: 'disconnected' });
  await addClient(db, {
    number: 555001,
    name: 'Новый клиент ООО',
    connectedOn: '2024-05-10',
    primaryAdvanceUntil: '2024-06-25',
    state: 'primary_advance',
    fee: 16000,
  });
  await addClient(db, { connectedOn: '2024-03-05', state: 'served' });
  await addClient(db, { connectedOn: '2022-01-01', primaryAdvanceUntil: '2022-02-01', state: 'served' });

  // Work with ЛПР: X1 and X2 in department 1, Y1 in department 2.
  const x1 = await addClient(db, { remoteId: r1 });
  const x2 = await addClient(db, { remoteId: r1 });
  const y1 = await addClient(db, { remoteId: r2 });
  const kx1 = await addContact(db, { clientId: x1, isLpr: true });
  const kx2 = await addContact(db, { clientId: x2, isLvpr: true });
  await addContact(db, { clientId: y1, fullName: 'Полчихина Елена Ивановна', isLpr: true });
  await db.query(
    `INSERT INTO contact_events (client_id, contact_id, contact_name, channel, occurred_at, outcome, natural_key)
     VALUES ($1, $2, null, 'phone', '2024-04-10T10:00:00+03:00', 'held', 'e1'),
            ($3, null, 'полчихина елена ивановна', 'phone', '2024-05-15T10:00:00+03:00', 'held_with_login', 'e2'),
            ($1, $2, null, 'phone', '2024-06-05T10:00:00+03:00', 'not_held', 'e3'),
            ($4, $5, null, 'phone', '2024-06-10T10:00:00+03:00', 'refused', 'e4'),
            ($4, $5, null, 'phone', '2024-06-28T10:00:00+03:00', 'planned', 'e5')`,
    [x1, kx1, y1, x2, kx2],
  );

  // The monthly contact: four messages through the funnel.
  const mailing = await addMailing(db, { subject: 'Июнь 2024: ТОП вопросов' });
  const link = await addLink(db, mailing, { url: 'https://www.example.com/a', position: 1 });
  const msg = async (clientId: number, contactId: number, state = 'sent') =>
    addMessage(db, {
      mailingId: mailing,
      clientId,
      contactId,
      toEmail: `m${contactId}@example.ru`,
      state,
      sentAt: state === 'sent' ? undefined : null,
    });
  const m1 = await msg(x1, kx1);
  const m2 = await msg(x2, kx2);
  const k3 = await addContact(db, { clientId: y1, isLpr: true });
  const m3 = await msg(y1, k3);
  const k4 = await addContact(db, { clientId: y1, isLvpr: true });
  const m4 = await msg(y1, k4, 'bounced');
  await db.query(`UPDATE messages SET bounce_kind = 'hard', bounced_at = '2024-06-03T09:06:00+03:00' WHERE id = $1`, [m4]);
  await db.query(
    `INSERT INTO clicks (message_id, link_id, clicked_at, method, is_bot, classified_at)
     VALUES ($1, $3, '2024-06-03T11:00:00+03:00', 'GET', false, now()), ($2, $3, '2024-06-03T09:05:02+03:00', 'HEAD', true, now())`,
    [m1, m2, link],
  );
  const call = (messageId: number, assigneeId: number, clientId: number) => ({
    kind: 'lpr-call',
    title: 'Звонок ЛПР',
    assigneeId,
    clientId,
    dedupKey: `lpr-call.${messageId}`,
    createdBy: 'test',
  });
  const ids = await insertTasks(db, [call(m1, r1, x1), call(m2, r1, x2), call(m3, r2, y1)], new Date());
  // A diagnostics campaign begun on Monday 20 May: Лукина closes one task that week and one on 5 June.
  const diag = (clientId: number, assigneeId: number) => ({
    kind: 'competitor-diagnostics',
    title: 'Диагностика и профилактика появления конкурентов',
    assigneeId,
    clientId,
    payload: { period: '2024-H1', segment: 'small_medium' },
    dedupKey: `competitor-diagnostics.2024-H1.${clientId}`,
    createdBy: 'test',
  });
  const d = await insertTasks(db, [diag(x1, r1), diag(x2, r1), diag(y1, r2)], new Date('2024-05-20T10:00:00+03:00'));
  await db.query(`UPDATE tasks SET state = 'done', outcome = 'no_competitor', closed_at = $2 WHERE id = $1`, [
    d.get(`competitor-diagnostics.2024-H1.${x1}`),
    '2024-05-22T12:00:00+03:00',
  ]);
  await db.query(`UPDATE tasks SET state = 'done', outcome = 'no_competitor', closed_at = $2 WHERE id = $1`, [
    d.get(`competitor-diagnostics.2024-H1.${x2}`),
    '2024-06-05T12:00:00+03:00',
  ]);
  await db.query(`UPDATE tasks SET state = 'done', outcome = 'held', next_prep = 'подборку по НДС' WHERE id = $1`, [
    ids.get(`lpr-call.${m1}`),
  ]);
  await db.query(`UPDATE tasks SET state = 'done', outcome = 'held_with_login' WHERE id = $1`, [ids.get(`lpr-call.${m2}`)]);
});
afterAll(async () => {
  await t?.close();
  setClock(null);
});

describe('mailing-funnel', () => {
  it('counts each mailing from selected to feedback, people’s clicks only, and draws its funnel', async () => {
    const r = await build('mailing-funnel');
    expect(r.subtitle).toBe('Июнь 2024 года, РИЦ502');
    expect(rowsOf(r)[0]).toMatchObject({
      mailing: 'Июнь 2024: ТОП вопросов',
      selected: 4,
      sent: 4,
      delivered: 3,
      clicked: 1,
      calls: 3,
      open_calls: 1,
      held: 2,
      feedback: 1,
    });
    expect(rowsOf(r)[0]?.reach).toBeCloseTo(2 / 3, 6);
    const chart = r.charts?.[0] as FunnelChart;
    expect(chart.kind).toBe('funnel');
    expect(chart.steps.map((s) => [s.label, s.value])).toEqual([
      ['Отобрано', 4],
      ['Отправлено', 4],
      ['Доставлено', 3],
      ['Перешли по ссылке', 1],
      ['Звонок состоялся', 2],
      ['Обратная связь', 1],
    ]);
    expect(rowsOf(r, 1).map((x) => [x.specialist, x.selected, x.held])).toEqual([
      ['Лукина Е.И.', 2, 2],
      ['Савостина К.А.', 2, 0],
    ]);
    expect(r.sections[1]?.totals).toMatchObject({ specialist: 'Итого: (2)', selected: 4, held: 2 });
  });

  it('is empty, without a chart, for a month without mailings', async () => {
    const r = await build('mailing-funnel', { period: '2024-05' });
    expect(rowsOf(r)).toEqual([]);
    expect(r.charts).toEqual([]);
  });
});

describe('lpr-work', () => {
  it('gives the share of clients with a held ЛПР contact in 3 months per department and month', async () => {
    const r = await build('lpr-work', { months: '3' });
    const d1 = rowsOf(r).find((x) => x.department === 'Дистанционный сервис 1_502');
    const d2 = rowsOf(r).find((x) => x.department === 'Дистанционный сервис 2_502');
    expect(d1).toMatchObject({ m2024_04: 0.5, m2024_05: 0.5, m2024_06: 0.5, clients: 2, reached: 1 });
    // The event names the person only by name (an older export): it counts.
    expect(d2).toMatchObject({ m2024_04: 0, m2024_05: 1, m2024_06: 1 });
    const chart = r.charts?.find((c) => c.kind === 'lines') as LinesChart;
    expect(chart.categories).toEqual(['04.2024', '05.2024', '06.2024']);
    expect(chart.series.find((s) => s.name === 'Дистанционный сервис 2_502')?.values).toEqual([0, 1, 1]);
    expect(chart.format).toBe('percent');
  });

  it('counts the calls to ЛПР and ЛВПР per month by outcome, planned ones left out', async () => {
    const r = await build('lpr-work', { months: '3' });
    expect(rowsOf(r, 1).map((x) => [x.month, x.held_with_login, x.held, x.not_held, x.refused, x.total])).toEqual([
      ['Апрель 2024', 0, 1, 0, 0, 1],
      ['Май 2024', 1, 0, 0, 0, 1],
      ['Июнь 2024', 0, 0, 1, 1, 2],
    ]);
    expect(r.sections[1]?.totals).toMatchObject({ total: 4, held_share: 0.5 });
    const chart = r.charts?.find((c) => c.kind === 'stacked-bars') as StackedBarsChart;
    expect(chart.series.map((s) => s.values)).toEqual([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 1],
    ]);
  });

  it('refuses a bad --months or an unknown department, naming the option', async () => {
    await expect(build('lpr-work', { months: '0' })).rejects.toThrow(/--months: «0» — не целое число месяцев от 1 до 36/);
    await expect(build('lpr-work', { department: 'Нет такого' })).rejects.toThrow(/--department: подразделения «Нет такого» нет/);
  });
});

describe('primary-advance', () => {
  it('splits the clients of each month of connection into brought out, disconnected and still on the advance', async () => {
    const r = await build('primary-advance');
    const jan = rowsOf(r).find((x) => x.month === 'Январь 2024');
    const may = rowsOf(r).find((x) => x.month === 'Май 2024');
    expect(jan).toEqual({ month: 'Январь 2024', connected: 2, in_advance: 0, brought_out: 1, disconnected: 1, share: 0.5 });
    expect(may).toMatchObject({ connected: 1, in_advance: 1, brought_out: 0, disconnected: 0, share: null });
    expect(rowsOf(r)).toHaveLength(12);
    expect(r.sections[0]?.totals).toMatchObject({ month: 'Итого: (12)', connected: 3, brought_out: 1, disconnected: 1 });
    const chart = r.charts?.[0] as StackedBarsChart;
    expect(chart.categories[0]).toBe('07.2023');
    expect(chart.series.map((s) => s.name)).toEqual([
      'Выведены из первичного аванса (обслуживаются)',
      'Отключились',
      'На первичном авансе',
    ]);
    // The advance ending within two weeks is listed to work with now.
    expect(rowsOf(r, 1).map((x) => [x.client, x.primary_advance_until])).toEqual([['555001 - Новый клиент ООО', '2024-06-25']]);
  });
});

describe('tasks-control: diagnostics progress over the campaign', () => {
  it('draws each specialist’s share of tasks done at the end of every week since the campaign began', async () => {
    const r = await build('tasks-control', { period: '2024-H1' });
    const chart = r.charts?.find((c) => c.kind === 'lines') as LinesChart;
    expect(chart.title).toBe('Выполнение диагностики по неделям кампании');
    expect(chart.categories).toEqual(['20.05', '27.05', '03.06', '10.06', '17.06']);
    expect(chart.series).toEqual([
      { name: 'Лукина Е.И.', values: [0.5, 0.5, 1, 1, 1] },
      { name: 'Савостина К.А.', values: [0, 0, 0, 0, 0] },
    ]);
    expect(chart.format).toBe('percent');
  });
});
