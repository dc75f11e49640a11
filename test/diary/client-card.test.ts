/**
 * The client's card over real HTTP: a specialist opens her client's card and not another's; a
 * head opens any client of her department and none of another; the card shows the header,
 * the indicator chart with both series and the zone bands, the components with their reasons,
 * the contact persons, the open work linked to its task pages and the timeline — a call once
 * after the CRM's echo, filters by kind, «Показать ещё» in pages; the search box finds by
 * number and by part of the name only among the clients the user may see.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEnv } from '../helpers/env.js';
import { cli } from '../imports/helpers.js';
import { type Answer, csrfOf, DiaryClient, openSignInLink } from './client.js';
import { type DiaryDesk, type DiaryWorld, openDiaryDesk } from './fixtures.js';

const ANNA = 'Лукина Елена Ивановна';
const HEAD = 'Фисун Екатерина Александровна';
const OTHER = 'Лаптева Ольга Юрьевна';

let desk: DiaryDesk;
let t: TestEnv;
let w: DiaryWorld;

beforeAll(async () => {
  desk = await openDiaryDesk();
  ({ t, w } = desk);
  const db = t.app.pool;
  // The CRM's series of the latest week beside churnguard's, and a state change.
  await db.query(`UPDATE risk_scores SET computed_indicator = indicator, computed_zone = zone WHERE client_id = $1`, [w.vetId]);
  await db.query(
    `INSERT INTO crm_deviations (client_id, week, indicator, imported_at) VALUES ($1, '2024-W21', 0.28, now()), ($1, '2024-W22', 0.34, now())`,
    [w.vetId],
  );
  await db.query(
    `INSERT INTO client_state_changes (client_id, from_state, to_state, changed_on, source) VALUES ($1, 'primary_advance', 'served', '2024-03-01', 'import')`,
    [w.vetId],
  );
  await db.query(
    `UPDATE contacts SET email = 'polchihina@vet.example', email_status = 'bounced', suppression_reason = '550 5.1.1 user unknown' WHERE id = $1`,
    [w.lprId],
  );
  await db.query(
    `INSERT INTO signals (client_id, kind, detected_at, summary, dedup_key, acknowledged_at, acknowledged_by)
     VALUES ($1, 'payment_decline', '2024-06-04T08:00:00+03:00', 'Долг за 2 месяца', 'sig.vet', '2024-06-04T10:15:00+03:00', 'Кайдаш Виктор Викторович')`,
    [w.vetId],
  );
  // What the imports cover: the ЛК requests from April (short of the 3-month window), the contact events from January.
  await db.query(
    `INSERT INTO imports (kind, file_name, sha256, state, started_at, finished_at, covers_from, covers_to, covers_declared)
     VALUES ('lk-requests', 'lk.xlsx', 'sha-lk', 'done', now(), now(), '2024-04-01', '2024-06-02', true),
            ('contact-events', 'raboty.xlsx', 'sha-ce', 'done', now(), now(), '2024-01-01', '2024-06-02', true)`,
  );
  // A letter the CRM recorded: a contact of another way, not the call below.
  await db.query(
    `INSERT INTO contact_events (client_id, contact_name, employee_id, channel, occurred_at, outcome, goal, natural_key)
     VALUES ($1, 'Иванов Пётр Сергеевич', $2, 'email', '2024-05-28T12:00:00+03:00', 'held', 'Письмо о продлении', 'card-crm-letter')`,
    [w.vetId, w.annaId],
  );
});
afterAll(() => desk?.close());

async function signedIn(name: string): Promise<DiaryClient> {
  const res = await cli(t, 'employee', 'token', name, '--json');
  expect(res.code, res.err).toBe(0);
  const c = new DiaryClient(desk.base);
  expect((await openSignInLink(c, JSON.parse(res.out).token)).status).toBe(303);
  return c;
}

/** The timeline's items of a card page, each as its text without tags. */
function items(page: Answer): { kind: string; text: string }[] {
  return [...page.body.matchAll(/<li class="(\w+)" data-kind="\w+">([\s\S]*?)<\/li>/g)].map((m) => ({
    kind: m[1] as string,
    text: (m[2] as string)
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  }));
}

describe('who sees a client', () => {
  it('a specialist opens her own client’s card: header, both series, components with reasons, contacts, open work', async () => {
    const c = await signedIn(ANNA);
    const res = await c.get('/diary/clients/193254');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.body).not.toContain('<script');
    expect(res.body).toContain('<h2>193254 - Ветстанция по Ровенскому и Вейделевскому районам</h2>');
    expect(res.body).toMatch(/18\s500,00\s₽ в месяц/);
    expect(res.body).toContain('Обслуживается с 01.03.2024');
    expect(res.body).toContain(`Специалист ДИС</dt><dd>${ANNA} (Дистанционный сервис 1_502)`);
    expect(res.body).toContain('Кайдаш Виктор Викторович');
    expect(res.body).toContain('<dt>По churnguard</dt><dd>0,38 — высокий риск</dd>');
    expect(res.body).toContain('<dt>По КИС</dt><dd>0,34 — высокий риск</dd>');
    // The chart: both series, and the three zone bands behind them.
    const svg = res.body.slice(res.body.indexOf('<svg'), res.body.indexOf('</svg>'));
    expect(svg).toContain('churnguard');
    expect(svg).toContain('КИС');
    expect(svg.match(/<rect class="band"/g)).toHaveLength(3);
    expect(svg).toContain('Высокий риск');
    expect(svg).toContain('Индикатор риска за 26 недель');
    expect(svg).toContain('02.06: churnguard — 0,38, КИС — 0,34');
    expect(svg).toContain('26.05: churnguard — 0,26, КИС — 0,28');
    // The latest week's components as explain gives them.
    expect(res.body).toContain('Составляющие индикатора: неделя 22 (27.05–02.06.2024)');
    expect(res.body).toContain(
      '<td class="text">Контакт с ЛПР</td><td class="num" data-label="Значение">0,50</td><td class="text" data-label="Причина">нет контакта с ЛПР за 3 мес.</td>',
    );
    // Coverage in its own column: whether each source's imports hold the component's window.
    expect(res.body).toContain('<th scope="col">Покрытие данных</th>');
    const coverage = (name: string) =>
      res.body.match(
        new RegExp(`<td class="text">${name}</td>(?:<td[^>]*>[^<]*</td>){2}<td class="text" data-label="Покрытие данных">([^<]*)</td>`),
      )?.[1];
    expect(coverage('Использование ЛК')).toBe('данные ЛК с 01.04.2024: окно 3 месяцев 03.03.2024–02.06.2024 не покрыто');
    expect(coverage('Контакт с ЛПР')).toBe('данные о контактах с 01.01.2024: окно 3 месяцев 03.03.2024–02.06.2024 покрыто');
    expect(coverage('Входы в систему')).toMatch(/^период данных о входах не записан \(проверяется давность выгрузки\); окно 4 недель /);
    expect(coverage('Обучение')).toBe('реестр обучения: полный');
    // The decision maker with the state of her address.
    expect(res.body).toContain('<b>Полчихина Елена Ивановна</b>, Главный бухгалтер — ЛПР');
    expect(res.body).toContain('polchihina@vet.example — письма не доставляются (550 5.1.1 user unknown)');
    // The open work, each linked to its task page.
    for (const id of [w.tasks.risk, w.tasks.call, w.tasks.diagnostics]) expect(res.body).toContain(`href="/diary/tasks/${id}"`);
    expect(res.body).not.toContain('Поставить задачу по клиенту');
  });

  it('a specialist is refused another specialist’s client, another department’s and an unknown one alike', async () => {
    const c = await signedIn(ANNA);
    const pages = await Promise.all(['204036', '205749', '999999', 'abc'].map((n) => c.get(`/diary/clients/${n}`)));
    for (const p of pages) {
      expect(p.status).toBe(404);
      expect(p.body).toContain('Клиент не найден');
      expect(p.body).not.toContain('БЗМИ');
      expect(p.body).not.toContain('ПЖКОМ');
    }
  });

  it('a head opens any client of her department, none of another; her «add task» opens the form prefilled', async () => {
    const c = await signedIn(HEAD);
    const boris = await c.get('/diary/clients/204036');
    expect(boris.status).toBe(200);
    expect(boris.body).toContain('204036 - БЗМИ ООО');
    const vet = await c.get('/diary/clients/193254');
    expect(vet.status).toBe(200);
    expect(vet.body).toContain('href="/diary/new?client=193254"');
    expect((await c.get('/diary/clients/205749')).status).toBe(404);
    const form = await c.get('/diary/new?client=193254');
    expect(form.status).toBe(200);
    expect(form.body).toMatch(/name="client"[^>]*value="193254"/);
    expect(form.body).toContain(`<option value="${w.annaId}" selected>${ANNA}</option>`);
    // Another department's client is not prefilled.
    expect((await c.get('/diary/new?client=205749')).body).not.toMatch(/name="client"[^>]*value="205749"/);
  });

  it('shows the planner’s visit («Контакт с клиентом») among the open work, with its reasons linked', async () => {
    const db = t.app.pool;
    const { rows } = await db.query(
      `INSERT INTO visits (client_id, assignee_id, starts_on, due_on, planned_on, created_at)
       VALUES ($1, $2, '2024-06-06', '2024-06-14', '2024-06-07', now()) RETURNING id`,
      [w.vetId, w.annaId],
    );
    const task = await db.query(
      `INSERT INTO tasks (kind, title, assignee_id, client_id, visit_id, due_at, dedup_key, created_by, created_at)
       VALUES ('manual', 'Обсудить продление', $1, $2, $3, '2024-06-14T18:00:00+03:00', 'card-visit-task', 'test', now()) RETURNING id`,
      [w.annaId, w.vetId, rows[0].id],
    );
    const id = task.rows[0].id;
    const res = await (await signedIn(ANNA)).get('/diary/clients/193254');
    expect(res.body).toContain(
      `<li><b>Контакт с клиентом</b>: запланирован на 07.06.2024, срок 14.06.2024; исполнитель ${ANNA}; причины — задачи <a href="/diary/tasks/${id}">№ ${id}</a></li>`,
    );
  });

  it('without a session the card asks to sign in', async () => {
    const res = await new DiaryClient(desk.base).get('/diary/clients/193254');
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('Ветстанция');
  });
});

describe('the timeline', () => {
  it('shows a call closed in the diary once, also after the CRM echoed it back', async () => {
    const c = await signedIn(ANNA);
    const task = await c.get(`/diary/tasks/${w.tasks.call}`);
    const closed = await c.post(`/diary/tasks/${w.tasks.call}/outcome`, {
      csrf: csrfOf(task.body),
      outcome: 'held',
      note: 'обсудили проверки ГИТ',
      next: '',
    });
    expect(closed.status).toBe(303);
    const calls = (p: Answer) =>
      items(p).filter(
        (i) => (i.kind === 'contact' && i.text.includes('Телефонный звонок')) || (i.kind === 'task' && i.text.includes('Закрыта')),
      );
    const before = calls(await c.get('/diary/clients/193254'));
    expect(before).toHaveLength(1);
    expect(before[0]?.text).toContain('Телефонный звонок: состоялся');
    expect(before[0]?.text).toContain('с Полчихина Елена Ивановна');
    expect(before[0]?.text).toContain(`задача № ${w.tasks.call}`);

    // The CRM's «Работы» export comes back with its own number: the same contact.
    const out = join(t.varDir, 'work.tsv');
    const exported = await cli(t, 'export', 'contact-events', '--from', '01.06.2024', '--to', '30.06.2024', '--out', out);
    expect(exported.code, exported.err).toBe(0);
    const table = iconv
      .decode(readFileSync(out), 'win1251')
      .split('\r\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    (table[1] as string[])[0] = 'Р-2001';
    const echo = join(t.varDir, 'echo.tsv');
    writeFileSync(echo, iconv.encode(`${table.map((r) => r.join('\t')).join('\r\n')}\r\n`, 'win1251'));
    const imported = await cli(t, 'import', 'contact-events', echo, '--json');
    expect(imported.code, imported.err).toBe(0);
    expect(JSON.parse(imported.out)).toMatchObject({ inserted: 0, summary: { linkedToChurnguard: 1 } });

    const after = calls(await c.get('/diary/clients/193254'));
    expect(after).toHaveLength(1);
    expect(after[0]?.text).toContain('Телефонный звонок: состоялся');
  });

  it('merges every kind newest first, filters by kind, and pages with «Показать ещё»', async () => {
    const db = t.app.pool;
    await db.query(
      `INSERT INTO trainings (client_id, person_name, trained_on, topic, natural_key)
       SELECT $1, 'Сотрудник ' || g, DATE '2024-05-31' - g, 'Обучение работе с системой', 'card-training-' || g FROM generate_series(1, 60) g`,
      [w.vetId],
    );
    await db.query(
      `INSERT INTO hotline_requests (client_id, requested_on, kind, natural_key) VALUES ($1, '2024-06-01', 'document', 'card-hotline')`,
      [w.vetId],
    );
    const c = await signedIn(ANNA);
    const first = await c.get('/diary/clients/193254');
    const list = items(first);
    expect(list).toHaveLength(50);
    const kinds = new Set(list.map((i) => i.kind));
    for (const k of ['contact', 'signal', 'task', 'training', 'hotline']) expect(kinds.has(k), k).toBe(true);
    // Newest first: the signal of 4 June before the training of 30 May.
    const signal = list.findIndex((i) => i.kind === 'signal');
    expect(list[signal]?.text).toContain('Сигнал «Снижение платежеспособности»');
    expect(list[signal]?.text).toContain('принят в работу 04.06.2024 10:15, Кайдаш Виктор Викторович');
    expect(signal).toBeLessThan(list.findIndex((i) => i.kind === 'training'));
    expect(first.body).toContain('>Показать ещё</a>');

    const onlyTrainings = await c.get('/diary/clients/193254?kind=training');
    const trainings = items(onlyTrainings);
    expect(trainings).toHaveLength(50);
    expect(trainings.every((i) => i.kind === 'training')).toBe(true);
    expect(trainings[0]?.text).toContain('Обучение: Сотрудник 1');
    expect(onlyTrainings.body).toMatch(/value="training" checked/);
    const more = onlyTrainings.body.match(/<a href="([^"]+)">Показать ещё<\/a>/)?.[1]?.replace(/&amp;/g, '&');
    expect(more).toBe('/diary/clients/193254?kind=training&page=2#timeline');
    const second = items(await c.get((more as string).replace('#timeline', '')));
    expect(second.map((i) => i.text.match(/Сотрудник (\d+)/)?.[1])).toEqual(Array.from({ length: 10 }, (_v, i) => String(51 + i)));

    const two = items(await c.get('/diary/clients/193254?kind=signal&kind=state'));
    expect(new Set(two.map((i) => i.kind))).toEqual(new Set(['signal', 'state']));
    expect(two.find((i) => i.kind === 'state')?.text).toContain('Состояние: Первичный аванс → Обслуживается');
  });
});

describe('clients linked everywhere', () => {
  it('a task of the diary links its client to the card', async () => {
    const c = await signedIn(ANNA);
    const day = await c.get('/diary');
    expect(day.body).toContain('<a href="/diary/clients/193254">193254 - Ветстанция по Ровенскому и Вейделевскому районам</a>');
    const call = await c.get(`/diary/tasks/${w.tasks.call}`);
    expect(call.body).toContain('<dt>Клиент</dt><dd><a href="/diary/clients/193254">193254 - Ветстанция');
  });

  it('a report row and the overview link the client to the card, the totals row is not a link', async () => {
    const c = await signedIn(HEAD);
    const report = await c.get('/diary/reports/deviations?week=2024-W22');
    expect(report.status).toBe(200);
    expect(report.body).toContain('<a href="/diary/clients/193254">193254 - Ветстанция по Ровенскому и Вейделевскому районам</a>');
    expect(report.body).not.toMatch(/<a href="\/diary\/clients\/[^"]*">Итого/);
    expect(report.body).toMatch(/<form class="search" method="get" action="\/diary\/clients"/);
    const overview = await c.get('/diary/reports/overview');
    expect(overview.body).toContain('<a href="/diary/clients/193254">193254 - Ветстанция');
  });
});

describe('the search box', () => {
  it('is in the diary’s header', async () => {
    const c = await signedIn(ANNA);
    const res = await c.get('/diary');
    expect(res.body).toMatch(/<form class="search" method="get" action="\/diary\/clients"/);
  });

  it('finds a specialist’s own client by number (straight to the card) and by part of the name, nobody else’s', async () => {
    const c = await signedIn(ANNA);
    const byNumber = await c.get('/diary/clients?q=193254');
    expect(byNumber.status).toBe(303);
    expect(byNumber.location).toBe('/diary/clients/193254');
    const byPart = await c.get(`/diary/clients?q=${encodeURIComponent('фонд')}`);
    expect(byPart.status).toBe(200);
    expect(byPart.body).toContain('href="/diary/clients/207092"');
    const prefix = await c.get('/diary/clients?q=20');
    expect(prefix.body).toContain('href="/diary/clients/207092"');
    expect(prefix.body).not.toContain('204036');
    expect(prefix.body).not.toContain('205749');
    for (const q of ['БЗМИ', 'ПЖКОМ', '205749']) {
      const res = await c.get(`/diary/clients?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.body).toContain('Среди ваших клиентов такого нет.');
    }
  });

  it('finds for a head the clients of her department only', async () => {
    const c = await signedIn(HEAD);
    const res = await c.get(`/diary/clients?q=${encodeURIComponent('ооо')}`);
    expect(res.body).toContain('href="/diary/clients/204036"');
    expect((await c.get('/diary/clients?q=205749')).body).toContain('Среди ваших клиентов такого нет.');
    const other = await signedIn(OTHER);
    expect((await other.get('/diary/clients?q=205749')).location).toBe('/diary/clients/205749');
    expect((await other.get('/diary/clients?q=193254')).body).toContain('Среди ваших клиентов такого нет.');
  });
});
