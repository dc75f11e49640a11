/**
 * The content page of a month over real HTTP and a real SMTP server: a head of the remote-service
 * department uploads the workbook and the PDFs (an error in one cell is shown by cell and loads
 * nothing), sees each variant filled with the documents' own links and the recipients per
 * variant as the dry run counts them, and sends a variant to themselves: «[ТЕСТ]» in the subject,
 * no message row, no link, no click. Nobody else opens the page; once the mailing exists it is
 * read-only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContentDir } from '../../src/content/load.js';
import { writeWorkbook } from '../../src/content/workbook.js';
import type { TestEnv } from '../helpers/env.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { cli as cliOf } from '../imports/helpers.js';
import { addDecisionMakers, SAMPLE_DIR } from '../mailing/fixtures.js';
import { csrfOf, DiaryClient, openSignInLink } from './client.js';
import { type DiaryDesk, openDiaryDesk } from './fixtures.js';

const HEAD = 'Фисун Екатерина Александровна';
const HEAD_EMAIL = 'fisun@ric502.example';
const PDFS = ['podborka-nalogi-iyul-2024.pdf', 'podborka-proverki-2024.pdf'];

let desk: DiaryDesk;
let t: TestEnv;
let smtp: TestSmtp;
let base: string;

beforeAll(async () => {
  smtp = await startTestSmtp();
  desk = await openDiaryDesk({
    env: { SMTP_URL: smtp.url },
    overrides: { diary: { contentDepartments: ['Дистанционный сервис 1_502', 'Дистанционный сервис 2_502'] } },
  });
  ({ t, base } = desk);
  await t.app.pool.query('UPDATE employees SET email = $1 WHERE name = $2', [HEAD_EMAIL, HEAD]);
  await addDecisionMakers(t.app, 6);
  // Three of the six clients are the head's department's; the other three are nobody's department.
  await t.app.pool.query(
    `UPDATE clients SET remote_specialist_id = (SELECT id FROM employees WHERE name = 'Лукина Елена Ивановна') WHERE number BETWEEN 500001 AND 500003`,
  );
}, 60_000);
afterAll(async () => {
  await desk?.close();
  await smtp?.close();
});

const q = async (sql: string, params: unknown[] = []) => (await t.app.pool.query(sql, params)).rows;

async function signedIn(name: string): Promise<DiaryClient> {
  const res = await cliOf(t, 'employee', 'token', name, '--json');
  expect(res.code, res.err).toBe(0);
  const c = new DiaryClient(base);
  expect((await openSignInLink(c, JSON.parse(res.out).token)).status).toBe(303);
  return c;
}

const cookie = (c: DiaryClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** The sample month as a workbook, with `edit` applied, and its PDFs: what a head picks in the file dialog. */
async function sampleFiles(edit?: (wb: ExcelJS.Workbook) => void): Promise<{ name: string; bytes: Buffer }[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await writeWorkbook('2024-06', readContentDir(SAMPLE_DIR).content)) as unknown as ArrayBuffer);
  edit?.(wb);
  const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
  return [{ name: 'content.xlsx', bytes: xlsx }, ...PDFS.map((name) => ({ name, bytes: readFileSync(join(SAMPLE_DIR, name)) }))];
}

async function upload(c: DiaryClient, csrf: string, files: { name: string; bytes: Buffer }[]) {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([f.bytes]), f.name);
  const res = await fetch(`${base}/diary/content/2024-06?csrf=${encodeURIComponent(csrf)}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: { cookie: cookie(c) },
  });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

describe('the content page', () => {
  it('is not there for a specialist', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    const res = await c.get('/diary/content/2024-06');
    expect(res.status).toBe(404);
    expect(res.body).toContain('Страница не найдена');
  });

  it('shows an error in one cell of the workbook and loads nothing', async () => {
    const c = await signedIn(HEAD);
    const page = await c.get('/diary/content/2024-06');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Содержание за Июнь 2024 ещё не загружено.');
    expect(page.body).toContain('enctype="multipart/form-data"');
    const files = await sampleFiles((wb) => {
      (wb.getWorksheet('ТОП вопросов') as ExcelJS.Worksheet).getCell('B3').value = 'ftp://example.com/x';
    });
    const res = await upload(c, csrfOf(page.body), files);
    expect(res.status).toBe(400);
    expect(res.body).toContain('Ошибки в файлах (1)');
    expect(res.body).toContain(
      '<li>content.xlsx:ТОП вопросов!B3: не ссылка на страницу в интернете (например, «https://www.consultant.ru/…»)</li>',
    );
    expect(await q('SELECT * FROM mailing_contents')).toEqual([]);
  });

  it('refuses an upload with a forged CSRF token', async () => {
    const c = await signedIn(HEAD);
    const res = await upload(c, 'forged', await sampleFiles());
    expect(res.status).toBe(403);
    expect(await q('SELECT * FROM mailing_contents')).toEqual([]);
  });

  it('loads the workbook and the PDFs, then shows every variant and its recipients as the dry run counts them', async () => {
    const c = await signedIn(HEAD);
    const csrf = csrfOf((await c.get('/diary/content/2024-06')).body);
    const res = await upload(c, csrf, await sampleFiles());
    expect(res.status, res.body).toBe(303);
    expect(res.location).toBe('/diary/content/2024-06?loaded=1');
    expect((await q('SELECT file_name FROM mailing_content_files ORDER BY 1')).map((r) => r.file_name)).toEqual(PDFS);

    const page = await c.get('/diary/content/2024-06?loaded=1');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-src 'self'");
    const dry = await cliOf(t, 'trigger', 'lpr-monthly', '--period', '2024-06', '--dry-run', '--json');
    expect(dry.code, dry.err).toBe(0);
    const perVariant = JSON.parse(dry.out).plan.perVariant as Record<string, number>;
    // Four of the six added decision makers and the diary's own ЛПР are not users; two are, with «торги и суды».
    expect(perVariant).toEqual({ 'hook.tenders_courts.manager': 2, 'non-user.manager': 5 });
    for (const [key, n] of Object.entries(perVariant)) {
      expect(page.body).toContain(`<section class="variant" id="variant-${key}">`);
      expect(page.body).toContain(`<summary>Получатели: ${n}</summary>`);
      expect(page.body).toContain(`<iframe src="/diary/content/2024-06/variants/${key}"`);
    }
    expect(page.body).toContain('ЛПР — не пользователь системы: руководитель');
    expect(page.body).toContain('ЛПР — пользователь системы, инфоповод «торги и суды»: руководитель');
    expect(page.body.match(/Отправить тест себе/g)).toHaveLength(2);
  });

  it('gives a head the month’s workbook to fill: the loaded month, else the previous one to start from', async () => {
    const c = await signedIn(HEAD);
    const page = await c.get('/diary/content/2024-07');
    expect(page.body).toContain('<a href="/diary/content/2024-07/content.xlsx">Скачать книгу месяца</a>');
    expect(page.body).not.toMatch(/admin content/);
    const res = await fetch(`${base}/diary/content/2024-07/content.xlsx`, { headers: { cookie: cookie(c) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="content-2024-07.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const june = readContentDir(SAMPLE_DIR);
    const head = wb.getWorksheet('Тема и вступление') as ExcelJS.Worksheet;
    expect(head.getCell('A2').value).toBe('2024-07');
    expect(JSON.stringify(head.getRow(2).values)).toContain(JSON.stringify(june.content.subject).slice(1, -1));
    const specialist = await signedIn('Лукина Елена Ивановна');
    expect((await fetch(`${base}/diary/content/2024-07/content.xlsx`, { headers: { cookie: cookie(specialist) } })).status).toBe(404);
  });

  it('lists only the recipients of the own department’s clients, and fills each variant for one of them', async () => {
    const c = await signedIn(HEAD);
    const page = await c.get('/diary/content/2024-06');
    expect(page.status).toBe(200);
    // The counts are the whole mailing's; the people listed are the department's.
    expect(page.body).toContain('<summary>Получатели: 2</summary>');
    expect(page.body).toContain('Показаны получатели ваших клиентов: 1 из 1.');
    expect(page.body).toContain('Показаны получатели ваших клиентов: 3 из 3.');
    for (const n of [1, 2, 3]) expect(page.body).toContain(`50000${n} - Клиент lpr ${n}`);
    for (const n of [4, 5, 6]) {
      expect(page.body).not.toContain(`Клиент lpr ${n}`);
      expect(page.body).not.toContain(`lpr.${n}@client.example`);
    }
    // 500006 (another department) and 500003 (the department's) get the «торги и суды» variant.
    const hook = await c.get('/diary/content/2024-06/variants/hook.tenders_courts.manager');
    expect(hook.status).toBe(200);
    expect(hook.body).toContain('Здравствуйте, Иван 3!');
    expect(hook.body).not.toContain('Иван 6');
    // A head of a department without those clients sees no recipient and no filled variant.
    const other = await t.app.pool.query(`SELECT id FROM departments WHERE name = 'Дистанционный сервис 2_502'`);
    await t.app.pool.query(
      `INSERT INTO employees (name, role, department_id, is_department_head, email) VALUES ($1, 'head', $2, true, $3)`,
      ['Кравцова Ирина Петровна', other.rows[0].id, 'kravtsova@ric502.example'],
    );
    const c2 = await signedIn('Кравцова Ирина Петровна');
    const page2 = await c2.get('/diary/content/2024-06');
    expect(page2.status).toBe(200);
    for (const n of [1, 2, 3, 4, 5, 6]) expect(page2.body).not.toContain(`Клиент lpr ${n}`);
    expect((await c2.get('/diary/content/2024-06/variants/hook.tenders_courts.manager')).status).toBe(404);
    const csrf2 = csrfOf(page2.body);
    expect((await c2.post('/diary/content/2024-06/test', { csrf: csrf2, variant: 'hook.tenders_courts.manager' })).status).toBe(404);
  });

  it('serves a variant as its first recipient gets it, with the documents’ own links', async () => {
    const c = await signedIn(HEAD);
    const res = await c.get('/diary/content/2024-06/variants/non-user.manager');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.body).toMatch(/Здравствуйте, [А-ЯЁа-яё0-9 ]+!/);
    expect(res.body).toContain('href="https://www.example.com/ric502/top/2024-06/ens-iyul"');
    expect(res.body).not.toContain('/c/');
    expect((await c.get('/diary/content/2024-06/variants/no.such')).status).toBe(404);
  });

  it('sends a variant to the head with «[ТЕСТ]» in the subject, real links and the PDFs, and stores nothing', async () => {
    const c = await signedIn(HEAD);
    const csrf = csrfOf((await c.get('/diary/content/2024-06')).body);
    const before = smtp.messages.length;
    const res = await c.post('/diary/content/2024-06/test', { csrf, variant: 'hook.tenders_courts.manager' });
    expect(res.status).toBe(303);
    const [mail] = (await smtp.waitForCount(before + 1)).slice(before);
    expect(mail?.to).toEqual([HEAD_EMAIL]);
    expect(mail?.parsed.subject).toBe('[ТЕСТ] Торги и суды: изменения 44-ФЗ с 1 июля (июнь 2024)');
    expect(String(mail?.parsed.html)).toContain('https://www.example.com/ric502/hook/2024-06/44fz-iyul');
    expect(String(mail?.parsed.html)).not.toContain('/c/');
    expect(mail?.parsed.attachments.map((a) => a.filename)).toEqual(PDFS);
    for (const table of ['messages', 'mailings', 'links', 'clicks']) expect(await q(`SELECT * FROM ${table}`), table).toEqual([]);
    const page = await c.get(res.location as string);
    expect(page.body).toContain(`Тестовое письмо отправлено на ваш адрес (${HEAD_EMAIL}).`);
  });

  it('is read-only once the month’s mailing exists', async () => {
    const c = await signedIn(HEAD);
    const csrf = csrfOf((await c.get('/diary/content/2024-06')).body);
    await t.app.pool.query(
      `INSERT INTO mailings (kind, period, subject, content, created_at)
       SELECT kind, period, 'Июнь 2024', content, now() FROM mailing_contents WHERE period = '2024-06'`,
    );
    const page = await c.get('/diary/content/2024-06');
    expect(page.body).toContain('Рассылка за Июнь 2024 уже начата: страница только для просмотра');
    expect(page.body).not.toContain('enctype="multipart/form-data"');
    expect(page.body).not.toContain('Отправить тест себе');
    expect((await upload(c, csrf, await sampleFiles())).status).toBe(409);
    expect((await c.post('/diary/content/2024-06/test', { csrf, variant: 'non-user.manager' })).status).toBe(409);
  });
});
