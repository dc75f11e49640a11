import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { diagnosticsTaskOf } from '../../src/db/diagnostics.js';
import { acknowledgeSignal } from '../../src/db/signals.js';
import { closeTask } from '../../src/diagnostics/close-task.js';
import { competitorDiagnostics } from '../../src/jobs/competitor-diagnostics.js';
import { diagnosticsControl } from '../../src/jobs/diagnostics-control.js';
import { sendEmail } from '../../src/jobs/send-email.js';
import { executeRun, JobWorkers } from '../../src/queue/worker.js';
import { addClient, addDepartment, addEmployee } from '../fixtures/desk.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { nothingMoreSent } from '../helpers/outbox.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { cli as runCli } from '../imports/helpers.js';

let t: TestEnv;
let smtp: TestSmtp;
let workers: JobWorkers | null = null;
const staff: Record<string, number> = {};
const cli = (...argv: string[]) => runCli(t, ...argv);
const MONDAY = new Date('2024-07-29T09:00:00+03:00');

/** The known data set: each client's diagnostics task ends up as given (state, outcome, due day). */
const PLAN: { number: number; who: 'lukina' | 'savostina' | 'mikhailov'; fee: number; end: 'found' | 'none' | 'cancel' | string }[] = [
  { number: 301001, who: 'lukina', fee: 20000, end: 'found' },
  { number: 301002, who: 'lukina', fee: 15000.01, end: '2024-07-19' },
  { number: 301003, who: 'lukina', fee: 9000, end: 'none' },
  { number: 301004, who: 'lukina', fee: 15000, end: '2024-07-22' },
  { number: 301005, who: 'lukina', fee: 4000, end: '2024-08-20' },
  { number: 301006, who: 'savostina', fee: 12000, end: 'none' },
  { number: 301007, who: 'savostina', fee: 7000, end: 'none' },
  { number: 301008, who: 'mikhailov', fee: 31000, end: '2024-07-24' },
  { number: 301009, who: 'mikhailov', fee: 8000, end: 'cancel' },
];

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestEnv({ env: { SMTP_URL: smtp.url } });
  const db = t.app.pool;
  const d1 = await addDepartment(db, 'Дистанционный сервис 1_502');
  const d2 = await addDepartment(db, 'Дистанционный сервис 2_502');
  const d3 = await addDepartment(db, 'Сопровождение_502');
  staff.head1 = await addEmployee(db, { name: 'Фисун Е.А.', role: 'head', departmentId: d1, email: 'fisun@ric502.example' });
  staff.head2 = await addEmployee(db, { name: 'Фомина Ю.В.', role: 'head', departmentId: d2, email: 'fomina@ric502.example' });
  staff.head3 = await addEmployee(db, { name: 'Тихоненко О.П.', role: 'head', departmentId: d3, email: 'tikhonenko@ric502.example' });
  staff.lukina = await addEmployee(db, { name: 'Лукина Е.И.', departmentId: d1, email: 'lukina@ric502.example' });
  staff.savostina = await addEmployee(db, { name: 'Савостина К.А.', departmentId: d1, email: 'savostina@ric502.example' });
  staff.mikhailov = await addEmployee(db, { name: 'Михайлов М.А.', departmentId: d2, email: 'mikhailov@ric502.example' });
  staff.field = await addEmployee(db, { name: 'Кайдаш В.В.', role: 'field', departmentId: d3, email: 'kaydash@ric502.example' });
  for (const p of PLAN) {
    await addClient(db, { number: p.number, name: `Клиент ${p.number}`, fee: p.fee, remoteId: staff[p.who], fieldId: staff.field });
  }
});
afterEach(async () => {
  await workers?.close(5000);
  workers = null;
});
afterAll(async () => {
  setClock(null);
  await t.close();
  await smtp.close();
});

describe('diagnostics-control and the control reports', () => {
  it('does nothing outside a campaign', async () => {
    setClock(new Date('2024-07-08T09:00:00+03:00'));
    const run = await executeRun(t.app, diagnosticsControl, { period: '2024-W28', trigger: 'schedule' });
    expect(run.stats).toMatchObject({ campaign: null, lateTasks: 0, overdue: 0, reminders: 0, summaries: 0 });
    expect((await t.app.pool.query('SELECT count(*)::int AS n FROM notifications')).rows[0].n).toBe(0);
  });

  it('counts tasks, done, overdue, competitors found and percent done per department, specialist and segment', async () => {
    setClock(new Date('2024-07-15T09:00:00+03:00'));
    await executeRun(t.app, competitorDiagnostics, { period: '2024-H2', trigger: 'schedule' });
    workers = new JobWorkers(t.app, [sendEmail]);
    workers.start();
    for (const p of PLAN) {
      const id = (await diagnosticsTaskOf(t.app.pool, '2024-H2', p.number)) as number;
      if (p.end === 'found') {
        const res = await closeTask(t.app, id, {
          outcome: 'competitor-found',
          finding: { competitor: 'Охрана труда', validUntil: '2024-09-30', contactName: 'Зыкова Юлия Анатольевна', note: null },
        });
        expect(res.kind).toBe('done');
      } else if (p.end === 'none') expect((await closeTask(t.app, id, { outcome: 'no-competitor' })).kind).toBe('done');
      else if (p.end === 'cancel') await t.app.pool.query(`UPDATE tasks SET state = 'cancelled' WHERE id = $1`, [id]);
      else
        await t.app.pool.query(`UPDATE tasks SET due_at = ($2::date + time '18:00') AT TIME ZONE 'Europe/Moscow' WHERE id = $1`, [
          id,
          p.end,
        ]);
    }
    // Accepted by the SMTP server, and the acceptance recorded on the finding.
    await waitFor(
      'the alert of the finding',
      async () => (await t.app.pool.query('SELECT field_notified_at FROM competitor_findings')).rows[0]?.field_notified_at,
    );
    expect(smtp.messages).toHaveLength(1);
    setClock(MONDAY);
    const res = await cli('report', 'tasks-control', '--period', '2024-H2', '--format', 'json');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.out);
    expect(report.title).toBe('Анализ проблем, рекомендаций и заданий');
    expect(report.subtitle).toMatch(
      /^РИЦ502, «Диагностика и профилактика появления конкурентов», 2-е полугодие 2024 \(с 01\.07\.2024 по 31\.12\.2024\); на 29\.07\.2024 09:00/,
    );
    const [main, segments] = report.sections;
    expect(main.columns.map((c: { header: string }) => c.header)).toEqual([
      'Подразделение',
      'Сотрудник (упр)',
      'Сегмент',
      'Заданий',
      'Выполнено',
      'Просрочено',
      'Выявлено конкурентов',
      '% выполнения',
    ]);
    const row = (department: string, employee: string, segment: string, tasks: number, done: number, overdue: number, found: number) => ({
      department,
      employee,
      segment,
      tasks,
      done,
      overdue,
      found,
      share: done / tasks,
    });
    expect(main.rows).toEqual([
      row('Дистанционный сервис 1_502', 'Лукина Е.И.', 'Мелкий и средний сегмент', 3, 1, 1, 0),
      row('Дистанционный сервис 1_502', 'Лукина Е.И.', 'Крупный сегмент', 2, 1, 1, 1),
      row('Дистанционный сервис 1_502', 'Савостина К.А.', 'Мелкий и средний сегмент', 2, 2, 0, 0),
      row('Дистанционный сервис 2_502', 'Михайлов М.А.', 'Крупный сегмент', 1, 0, 1, 0),
    ]);
    expect(main.totals).toEqual({ department: 'Итого: (3)', tasks: 8, done: 4, overdue: 3, found: 1, share: 0.5 });
    expect(segments.rows).toEqual([
      { segment: 'Мелкий и средний сегмент', tasks: 5, done: 3, overdue: 1, found: 0, share: 0.6 },
      { segment: 'Крупный сегмент', tasks: 3, done: 1, overdue: 2, found: 1, share: 1 / 3 },
    ]);
    expect(report.charts[0]).toMatchObject({
      kind: 'hbars',
      title: 'Выполнение диагностики по специалистам',
      items: [
        { label: 'Лукина Е.И.', value: 0.4, note: '2 из 5, просрочено 2' },
        { label: 'Савостина К.А.', value: 1, note: '2 из 2' },
        { label: 'Михайлов М.А.', value: 0, note: '0 из 1, просрочено 1' },
      ],
    });
  });

  it('gives the same figures as a table, CSV, an Excel workbook and an HTML page', async () => {
    const table = await cli('report', 'tasks-control', '--period', '2024-H2');
    expect(table.out).toMatch(/Итого: \(3\)\s+8\s+4\s+3\s+1\s+50 %/);
    const csv = await cli('report', 'tasks-control', '--period', '2024-H2', '--format', 'csv');
    expect(csv.out).toContain('Дистанционный сервис 1_502,Лукина Е.И.,Крупный сегмент,2,1,1,1,0.5\r\n');
    const out = join(t.varDir, 'tasks-control.xlsx');
    expect((await cli('report', 'tasks-control', '--period', '2024-H2', '--format', 'xlsx', '--out', out)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect(ws.getRow(1).getCell(4).value).toBe('Заданий');
    const totals = ws.getRow(6);
    expect([totals.getCell(1).value, totals.getCell(4).value, totals.getCell(8).value]).toEqual(['Итого: (3)', 8, 0.5]);
    expect(totals.font?.bold).toBe(true);
    expect(ws.getColumn(8).numFmt).toBe('0%');
    const page = (await cli('report', 'tasks-control', '--period', '2024-H2', '--format', 'html')).out;
    expect(page).toContain('<svg');
    expect(page).toContain('Выполнение диагностики по специалистам');
    expect((await cli('report', 'tasks-control', '--period', '2024-H3')).err).toMatch(/--period: «2024-H3» — не полугодие/);
  });

  it('lists the competitors found with who found them, when field support was e-mailed and the reaction time', async () => {
    const res = await cli('report', 'competitors', '--period', '2024-H2', '--format', 'json');
    expect(res.code).toBe(0);
    const [s] = JSON.parse(res.out).sections;
    expect(s.rows).toHaveLength(1);
    const r = s.rows[0];
    expect(r).toMatchObject({
      client: '301001 - Клиент 301001',
      competitor: 'Охрана труда',
      valid_until: '2024-09-30',
      contact: 'Зыкова Юлия Анатольевна',
      found_by: 'Лукина Е.И.',
      source: 'итог задачи',
      field: 'Кайдаш В.В.',
    });
    expect(new Date(r.notified_at).getTime()).toBeGreaterThanOrEqual(new Date(r.found_at).getTime());
    // The mail server accepting the alert is not a reaction: nobody has acknowledged it yet.
    expect(r).toMatchObject({ acknowledged_at: null, acknowledged_by: '', reaction: null });
    expect(s.notes[0]).toMatch(
      /^Время реакции — от выявления до подтверждения специалистом ТС .*: медиана —, .*подтверждено 0 из 1, писем ТС принято 1 из 1\./,
    );
    // The field specialist acknowledges it 90 minutes after it was found: that is the reaction, as in `report signals`.
    const [f] = (await t.app.pool.query(`SELECT signal_id, found_at FROM competitor_findings`)).rows;
    const ack = await acknowledgeSignal(t.app.pool, Number(f.signal_id), 'Кайдаш В.В.', new Date(f.found_at.getTime() + 90 * 60_000));
    expect(ack.kind).toBe('acknowledged');
    const acked = JSON.parse((await cli('report', 'competitors', '--period', '2024-H2', '--format', 'json')).out).sections[0];
    expect(acked.rows[0]).toMatchObject({ acknowledged_by: 'Кайдаш В.В.', reaction: 90 });
    expect(acked.totals).toMatchObject({ client: 'Итого: (1)', reaction: 90 });
    expect(acked.notes[0]).toMatch(/медиана 1 ч 30 мин, 90-й процентиль 1 ч 30 мин; подтверждено 1 из 1, писем ТС принято 1 из 1\.$/);
    const text = (await cli('report', 'competitors', '--period', '2024-07')).out;
    expect(text).toMatch(/^Конкуренты\nРИЦ502, с 01\.07\.2024 по 31\.07\.2024/);
    expect(text).toContain('30.09.2024');
    expect((await cli('report', 'competitors', '--period', '2024-06')).out).toMatch(/\nИтого: \(0\)\n/);
    expect((await cli('report', 'competitors', '--period', 'лето')).code).toBe(2);
  });

  it('reminds each specialist of their overdue diagnostics once a week, and sends each department head a summary', async () => {
    workers = new JobWorkers(t.app, [sendEmail]);
    workers.start();
    const before = smtp.messages.length;
    const dry = await cli('trigger', 'diagnostics-control', '--dry-run', '--json');
    expect(JSON.parse(dry.out)).toMatchObject({
      period: '2024-W31',
      plan: {
        campaign: '2024-H2',
        overdue: 3,
        reminders: { 'Лукина Е.И.': 2, 'Михайлов М.А.': 1 },
        summaries: ['Фисун Е.А. (Дистанционный сервис 1_502)', 'Фомина Ю.В. (Дистанционный сервис 2_502)'],
      },
    });
    const run = await executeRun(t.app, diagnosticsControl, { period: '2024-W31', trigger: 'schedule' });
    expect(run.stats).toMatchObject({
      week: '2024-W31',
      campaign: '2024-H2',
      lateTasks: 0,
      open: 4,
      overdue: 3,
      reminders: 2,
      summaries: 2,
      notReminded: 0,
    });
    const mails = (await smtp.waitForCount(before + 4)).slice(before);
    expect(mails.map((m) => m.to[0]).sort()).toEqual([
      'fisun@ric502.example',
      'fomina@ric502.example',
      'lukina@ric502.example',
      'mikhailov@ric502.example',
    ]);
    const to = (address: string) => mails.find((m) => m.to.includes(address)) as (typeof mails)[number];
    const lukina = to('lukina@ric502.example');
    expect(lukina.parsed.subject).toBe('Просрочены 2 задачи «Диагностика и профилактика появления конкурентов»');
    const lt = lukina.parsed.text ?? '';
    expect(lt).toContain('Лукина Е.И., на 29.07.2024 у вас 2 просроченные задачи');
    expect(lt).toMatch(
      /Клиент: 301002 - Клиент 301002; Сегмент: Крупный сегмент; Сумма ИО: 15\s000,01\s₽; Срок: 19\.07\.2024; Просрочено, раб\. дн\.: 6/,
    );
    expect(lt).toMatch(
      /Клиент: 301004 - Клиент 301004; Сегмент: Мелкий и средний сегмент; .*Срок: 22\.07\.2024; Просрочено, раб\. дн\.: 5/,
    );
    expect(lt).not.toContain('301005');
    expect(lukina.parsed.html).toContain('<table class="grid"');
    // The way to close a task is the diary, never a command of the admin script.
    expect(lt).toMatch(/Ежедневник: http:\/\/\S+\/diary\n/);
    expect(lukina.parsed.html).toMatch(/<a href="http:\/\/[^"]+\/diary\/tasks\/\d+">/);
    // Every client in the reminder opens its card, in the HTML as a link and in the text as an address.
    expect(lukina.parsed.html).toMatch(/<a href="http:\/\/[^"]+\/diary\/clients\/301002">301002 - Клиент 301002<\/a>/);
    expect(lukina.parsed.html).toMatch(/<a href="http:\/\/[^"]+\/diary\/clients\/301004">301004 - Клиент 301004<\/a>/);
    expect(lt).toMatch(/Просрочено, раб\. дн\.: 6; Карточка клиента: http:\/\/\S+\/diary\/clients\/301002\n/);
    expect(`${lt}${lukina.parsed.html}`).not.toMatch(/churnguard [a-z]|--outcome/);
    expect(to('mikhailov@ric502.example').parsed.text).toContain('301008 - Клиент 301008');
    const fisun = to('fisun@ric502.example');
    expect(fisun.parsed.subject).toBe('Диагностика конкурентов: Дистанционный сервис 1_502 на 29.07.2024');
    const ft = fisun.parsed.text ?? '';
    expect(ft).toContain('выполнено 4 из 7 (57 %), просрочено 2, выявлено конкурентов 1');
    expect(ft).toContain('Сотрудник: Лукина Е.И.; Заданий: 5; Выполнено: 2; Просрочено: 2; Выявлено конкурентов: 1; % выполнения: 40 %');
    expect(ft).toContain(
      'Сотрудник: Савостина К.А.; Заданий: 2; Выполнено: 2; Просрочено: 0; Выявлено конкурентов: 0; % выполнения: 100 %',
    );
    expect(ft).toContain('Итого: (2); Заданий: 7; Выполнено: 4');
    expect(ft).toContain('Диагностика и профилактика появления конкурентов, 2-е полугодие 2024');
    expect(ft).toMatch(/«Анализ проблем, рекомендаций и заданий» в Ежедневнике: http:\/\/\S+\/diary\/reports\/tasks-control/);
    expect(`${ft}${fisun.parsed.html}`).not.toMatch(/churnguard [a-z]/);
    expect(ft).not.toContain('Сотрудник: Итого');
    expect(ft).not.toContain('Михайлов');
    expect(to('fomina@ric502.example').parsed.text).toContain('Сотрудник: Михайлов М.А.; Заданий: 1; Выполнено: 0; Просрочено: 1');

    // Once a week: a forced re-run of the week sends nothing more.
    const again = await executeRun(t.app, diagnosticsControl, { period: '2024-W31', trigger: 'admin', force: true });
    expect(again.stats).toMatchObject({ reminders: 2, summaries: 2 });
    expect(await nothingMoreSent(t.app, smtp)).toBe(before + 4);
    const { rows } = await t.app.pool.query(`SELECT kind, dedup_key FROM notifications WHERE kind LIKE 'diagnostics-%' ORDER BY dedup_key`);
    expect(rows.map((r) => r.dedup_key)).toEqual([
      `diagnostics-reminder.2024-W31.${staff.lukina}`,
      `diagnostics-reminder.2024-W31.${staff.mikhailov}`,
      `diagnostics-summary.2024-W31.${staff.head1}`,
      `diagnostics-summary.2024-W31.${staff.head2}`,
    ]);
  });
});
