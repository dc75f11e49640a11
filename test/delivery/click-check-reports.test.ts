import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBounces } from '../../src/db/bounces.js';
import { unsubscribeByMessage } from '../../src/db/unsubscribe.js';
import { clickCheck } from '../../src/jobs/click-check.js';
import { executeRun } from '../../src/queue/worker.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { runAdmin } from '../helpers/process.js';
import { addLink, addMailing, addMessage, addRecipient, type Recipient } from './mailing.js';

let t: TestEnv;
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/125.0 Safari/537.36';
const SCANNER = 'Mozilla/5.0 (compatible; Barracuda Sentinel)';
let slot = 0;

async function click(messageId: number, linkId: number, at: string, opts: { method?: string; ua?: string | null } = {}) {
  await t.app.pool.query(
    `INSERT INTO clicks (message_id, link_id, clicked_at, method, user_agent, ip_prefix) VALUES ($1, $2, $3, $4, $5, '203.0.113.0/24')`,
    [messageId, linkId, at, opts.method ?? 'GET', opts.ua === undefined ? BROWSER : opts.ua],
  );
}

const runClickCheck = () => executeRun(t.app, clickCheck, { period: `2024-06-20T${String(1000 + ++slot)}`, trigger: 'admin' });

let webinars: number;
let taxes: number;
let other: number;
let honeypot: number;
let p1: Recipient;
let p2: Recipient;
let bot: Recipient;
let m1: number;
let m2: number;
let m3: number;

beforeAll(async () => {
  t = await createTestEnv();
  const db = t.app.pool;
  const mailing = await addMailing(db, { subject: 'Программа ВЕБИНАРОВ на ИЮНЬ от КонсалтикаПлюс!' });
  taxes = await addLink(db, mailing, {
    url: 'https://www.consultant.ru/taxes',
    title: 'Налоги, взносы и отчетность в июле: основные изменения',
    position: 1,
  });
  webinars = await addLink(db, mailing, { url: 'https://alyans.net/webinars', title: null, position: 2 });
  other = await addLink(db, mailing, { url: 'https://login.consultant.ru/', title: 'Вход', position: 3 });
  honeypot = await addLink(db, mailing, { url: 'https://ric502.example/hp', title: null, kind: 'honeypot', position: 99 });
  p1 = await addRecipient(db, { clientName: 'Лимкорм', contactName: 'Челпанова Анна Сергеевна', position: 'Главный бухгалтер' });
  p2 = await addRecipient(db, {
    clientName: 'АВТОБЕЛОГОРЬЕ',
    contactName: 'Кашенцева Лариса Владимировна',
    position: 'Специалист по охране труда',
  });
  bot = await addRecipient(db, { clientName: 'Сканер ООО' });
  m1 = await addMessage(db, {
    mailingId: mailing,
    contactId: p1.contactId,
    clientId: p1.clientId,
    toEmail: p1.email,
    sentAt: '2024-06-03T09:05:00+03:00',
  });
  m2 = await addMessage(db, {
    mailingId: mailing,
    contactId: p2.contactId,
    clientId: p2.clientId,
    toEmail: p2.email,
    sentAt: '2024-06-03T09:05:00+03:00',
  });
  m3 = await addMessage(db, {
    mailingId: mailing,
    contactId: bot.contactId,
    clientId: bot.clientId,
    toEmail: bot.email,
    sentAt: '2024-06-03T09:05:00+03:00',
  });
  // People.
  await click(m1, webinars, '2024-06-04T10:00:00+03:00');
  await click(m1, webinars, '2024-06-04T10:30:00+03:00');
  await click(m1, taxes, '2024-06-04T10:31:00+03:00');
  await click(m2, taxes, '2024-06-10T15:00:00+03:00');
  await click(m2, other, '2024-06-25T15:00:00+03:00');
  // Programs: a gateway opening everything at delivery, a HEAD check, a burst, the honeypot.
  await click(m3, taxes, '2024-06-03T09:05:03+03:00', { ua: SCANNER });
  await click(m3, webinars, '2024-06-03T12:00:00+03:00', { method: 'HEAD' });
  await click(m3, taxes, '2024-06-03T13:00:00.000+03:00');
  await click(m3, webinars, '2024-06-03T13:00:00.400+03:00');
  await click(m3, other, '2024-06-03T13:00:01.100+03:00');
  await click(m1, honeypot, '2024-06-04T10:00:01+03:00');
});
afterAll(async () => {
  await t.close();
});

describe('click-check', () => {
  it('classifies every click, human or bot with its reasons, and a second run changes nothing', async () => {
    const out = await runClickCheck();
    expect(out.stats).toMatchObject({ classified: 11 });
    const { rows } = await t.app.pool.query(`SELECT message_id, is_bot, bot_reason FROM clicks ORDER BY id`);
    expect(rows.map((r) => r.bot_reason)).toEqual([
      null,
      null,
      null,
      null,
      null,
      'scanner-ua,too-soon',
      'head',
      'burst',
      'burst',
      'burst',
      'honeypot',
    ]);
    expect(rows.filter((r) => r.is_bot === false)).toHaveLength(5);
    expect((await runClickCheck()).stats).toMatchObject({ classified: 0 });
    // What a call task shows: the person's clicks only, never the scanner's or the honeypot.
    const { rows: seen } = await t.app.pool.query(
      `SELECT c.message_id, l.title FROM clicks c JOIN links l ON l.id = c.link_id
        WHERE c.message_id = ANY($1::bigint[]) AND c.is_bot = false ORDER BY c.clicked_at, c.id`,
      [[m1, m3]],
    );
    expect(seen.map((c) => [c.message_id, c.title])).toEqual([
      [m1, null],
      [m1, null],
      [m1, 'Налоги, взносы и отчетность в июле: основные изменения'],
    ]);
  });

  it('marks a contact with no human click in its last 3 delivered mailings as disengaged, and clears it after a click', async () => {
    const db = t.app.pool;
    const quiet = await addRecipient(db);
    const twoOnly = await addRecipient(db);
    const msgs: number[] = [];
    for (const [i, month] of ['03', '04', '05'].entries()) {
      const m = await addMailing(db, { period: `2024-${month}`, createdAt: `2024-${month}-03T09:00:00+03:00` });
      const l = await addLink(db, m, { url: `https://www.consultant.ru/m${i}` });
      const msg = await addMessage(db, {
        mailingId: m,
        contactId: quiet.contactId,
        clientId: quiet.clientId,
        toEmail: quiet.email,
        sentAt: `2024-${month}-03T09:05:00+03:00`,
      });
      msgs.push(msg);
      if (i < 2)
        await addMessage(db, {
          mailingId: m,
          contactId: twoOnly.contactId,
          clientId: twoOnly.clientId,
          toEmail: twoOnly.email,
          sentAt: `2024-${month}-03T09:05:00+03:00`,
        });
      await click(msg, l, `2024-${month}-03T09:05:02+03:00`, { ua: SCANNER });
    }
    const out = await runClickCheck();
    expect(out.stats).toMatchObject({ disengaged: expect.any(Number) });
    const disengaged = async (id: number) =>
      (await db.query('SELECT disengaged_at FROM contacts WHERE id = $1', [id])).rows[0].disengaged_at;
    expect(await disengaged(quiet.contactId)).not.toBeNull();
    expect(await disengaged(twoOnly.contactId)).toBeNull();
    expect(await disengaged(p1.contactId)).toBeNull();
    const { rows } = await db.query('SELECT link_id FROM clicks WHERE message_id = $1', [msgs[2]]);
    await click(msgs[2] as number, rows[0].link_id, '2024-05-20T11:00:00+03:00');
    expect((await runClickCheck()).stats).toMatchObject({ reengaged: 1 });
    expect(await disengaged(quiet.contactId)).toBeNull();
  });
});

describe('report clicks', () => {
  it('lays human clicks out as mailing → article → date → client → contact → e-mail → position with a column per domain', async () => {
    const res = await runAdmin(['report', 'clicks', '--period', '2024-06', '--format', 'json'], t.env);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.title).toBe('Анализ переходов подписчиков по ссылкам из рассылки');
    expect(report.subtitle).toMatch(/^Июнь 2024 года/);
    const s = report.sections[0];
    expect(s.columns.map((c: { header: string }) => c.header)).toEqual([
      'Описание',
      'Разрез',
      'alyans.net',
      'consultant.ru',
      'login.consultant.ru',
      'Итого',
    ]);
    const lines = s.rows.map((r: Record<string, unknown>) => [r.label, r.d0, r.d1, r.d2, r.total]);
    expect(lines).toEqual([
      ['Программа ВЕБИНАРОВ на ИЮНЬ от КонсалтикаПлюс! (3)', 2, 2, 1, 5],
      ['  Налоги, взносы и отчетность в июле: основные изменения (2)', 0, 2, 0, 2],
      ['    04.06.2024 (1)', 0, 1, 0, 1],
      [expect.stringMatching(/^ {6}\d+ - Лимкорм \(1\)$/), 0, 1, 0, 1],
      ['        Челпанова Анна Сергеевна (1)', 0, 1, 0, 1],
      [`          ${p1.email} (1)`, 0, 1, 0, 1],
      ['            Главный бухгалтер', 0, 1, 0, 1],
      ['    10.06.2024 (1)', 0, 1, 0, 1],
      [expect.stringMatching(/^ {6}\d+ - АВТОБЕЛОГОРЬЕ \(1\)$/), 0, 1, 0, 1],
      ['        Кашенцева Лариса Владимировна (1)', 0, 1, 0, 1],
      [`          ${p2.email} (1)`, 0, 1, 0, 1],
      ['            Специалист по охране труда', 0, 1, 0, 1],
      ['  <Статья = ПУСТО> (1)', 2, 0, 0, 2],
      ['    04.06.2024 (1)', 2, 0, 0, 2],
      [expect.stringMatching(/Лимкорм \(1\)$/), 2, 0, 0, 2],
      ['        Челпанова Анна Сергеевна (1)', 2, 0, 0, 2],
      [`          ${p1.email} (1)`, 2, 0, 0, 2],
      ['            Главный бухгалтер', 2, 0, 0, 2],
      ['  Вход (1)', 0, 0, 1, 1],
      ['    25.06.2024 (1)', 0, 0, 1, 1],
      [expect.stringMatching(/АВТОБЕЛОГОРЬЕ \(1\)$/), 0, 0, 1, 1],
      ['        Кашенцева Лариса Владимировна (1)', 0, 0, 1, 1],
      [`          ${p2.email} (1)`, 0, 0, 1, 1],
      ['            Специалист по охране труда', 0, 0, 1, 1],
    ]);
    expect(s.totals).toMatchObject({ label: 'Итого: (1)', d0: 2, d1: 2, d2: 1, total: 5 });
    // Domains with as many clicks are ordered by name.
  });

  it('counts bots too with --include-bots, and writes csv and xlsx', async () => {
    const res = await runAdmin(['report', 'clicks', '--period', '2024-06', '--include-bots', '--format', 'csv'], t.env);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Описание,Разрез,alyans.net,consultant.ru,login.consultant.ru,ric502.example,Итого');
    expect(lines.at(-2)).toMatch(/^Итого: \(1\),,\d+,\d+,\d+,\d+,11$/);
    const out = join(t.varDir, 'clicks.xlsx');
    const x = await runAdmin(['report', 'clicks', '--period', '2024-06', '--format', 'xlsx', '--out', out], t.env);
    expect(x.code, x.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws?.getRow(1).getCell(1).value).toBe('Описание');
    expect(ws?.getRow(2).getCell(1).value).toBe('Программа ВЕБИНАРОВ на ИЮНЬ от КонсалтикаПлюс! (3)');
  });

  it('rejects a bad period with a usage error naming the option', async () => {
    const res = await runAdmin(['report', 'clicks', '--period', '2024-13'], t.env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--period: «2024-13» — не месяц/);
  });
});

describe('report delivery', () => {
  it('counts per mailing and lists the bad addresses with client, contact and remote specialist', async () => {
    const db = t.app.pool;
    const mailing = await addMailing(db, { subject: 'Ежемесячное письмо ЛПР, июнь', createdAt: '2024-06-05T09:00:00+03:00' });
    const link = await addLink(db, mailing, { url: 'https://www.consultant.ru/lpr' });
    const rs: Recipient[] = [];
    for (let i = 0; i < 7; i++) rs.push(await addRecipient(db));
    const spec = (r: Recipient, state?: string) =>
      addMessage(db, { mailingId: mailing, contactId: r.contactId, clientId: r.clientId, toEmail: r.email, state });
    const ok = await spec(rs[0] as Recipient);
    const hard = await spec(rs[1] as Recipient);
    const soft = await spec(rs[2] as Recipient);
    await spec(rs[3] as Recipient, 'failed');
    await spec(rs[4] as Recipient, 'unknown');
    const unsub = await spec(rs[5] as Recipient);
    await spec(rs[6] as Recipient, 'queued');
    await click(ok, link, '2024-06-06T10:00:00+03:00');
    await click(unsub, link, '2024-06-05T09:05:01+03:00', { method: 'HEAD' });
    await runClickCheck();
    await unsubscribeByMessage(db, unsub, new Date('2024-06-06T12:00:00+03:00'));
    const base = { diagnostic: '550 5.1.1 User unknown', format: 'rfc3464', matchedBy: 'verp' as const, receivedAt: null };
    await applyBounces(
      db,
      [
        { ...base, sourceKey: 'r-hard', messageId: hard, kind: 'hard', status: '5.1.1', recipient: (rs[1] as Recipient).email },
        {
          ...base,
          sourceKey: 'r-soft',
          messageId: soft,
          kind: 'soft',
          status: '4.2.2',
          diagnostic: 'Mailbox full',
          recipient: (rs[2] as Recipient).email,
        },
      ],
      new Date('2024-06-06T08:00:00Z'),
      { softLimit: 3, softWindow: 5 },
    );
    const res = await runAdmin(['report', 'delivery', '--period', '2024-06', '--format', 'json'], t.env);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.title).toBe('Контроль доставки писем');
    const row = report.sections[0].rows.find((r: { mailing: string }) => r.mailing === 'Ежемесячное письмо ЛПР, июнь');
    expect(row).toMatchObject({
      selected: 7,
      sent: 4,
      hard: 1,
      soft: 1,
      failed: 1,
      unknown: 1,
      unsubscribed: 1,
      clicked_people: 1,
      clicked_bots: 1,
    });
    const bad = report.sections[1].rows;
    expect(bad).toHaveLength(2);
    const { rows: names } = await db.query('SELECT name FROM employees WHERE id = $1', [(rs[1] as Recipient).remoteId]);
    expect(bad.find((b: { email: string }) => b.email === (rs[1] as Recipient).email)).toMatchObject({
      kind: 'Жёсткий отказ',
      status: '5.1.1',
      suppressed: 'Да',
      remote: names[0].name,
    });
    expect(bad.find((b: { email: string }) => b.email === (rs[2] as Recipient).email)).toMatchObject({
      kind: 'Временный отказ',
      suppressed: 'Нет',
    });
    const table = await runAdmin(['report', 'delivery', '--period', '2024-06'], t.env);
    expect(table.stdout).toMatch(/Недоставленные письма: адреса/);
    expect(table.stdout).toMatch(/Итого: \(2\)/);
  });
});
