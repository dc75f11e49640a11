/**
 * The diary over real HTTP: sign-in tokens from the admin script (hash only, revocable), the
 * session cookie, the day's tasks in order with the client card and call script, outcomes
 * through the form (the same code as `task done`), a head giving a task to another member,
 * and everything refused without a session, with a forged CSRF token or for someone else's task.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/clock.js';
import { rub } from '../../src/domain/ru.js';
import type { TestEnv } from '../helpers/env.js';
import { cli as cliOf, writeTsv } from '../imports/helpers.js';
import { csrfOf, DiaryClient, linkTokenOf, openSignInLink } from './client.js';
import { DIARY_NOW, type DiaryDesk, type DiaryWorld, openDiaryDesk } from './fixtures.js';

let desk: DiaryDesk;
let t: TestEnv;
let base: string;
let w: DiaryWorld;

beforeAll(async () => {
  desk = await openDiaryDesk();
  ({ t, w, base } = desk);
});
afterAll(() => desk?.close());

const cli = (...argv: string[]) => cliOf(t, ...argv);

async function tokenFor(name: string): Promise<string> {
  const res = await cli('employee', 'token', name, '--json');
  expect(res.code, res.err).toBe(0);
  return JSON.parse(res.out).token;
}

async function signedIn(name: string): Promise<DiaryClient> {
  const c = new DiaryClient(base);
  const res = await openSignInLink(c, await tokenFor(name));
  expect(res.status).toBe(303);
  return c;
}

const q = async (sql: string, params: unknown[] = []) => (await t.app.pool.query(sql, params)).rows;

describe('sign-in tokens', () => {
  it('issues a token per employee, stores only its hash, and prints the sign-in link', async () => {
    const res = await cli('employee', 'token', 'Лукина Елена Ивановна');
    expect(res.code, res.err).toBe(0);
    const token = res.out.match(/^ {2}([A-Za-z0-9_-]{43})$/m)?.[1] as string;
    expect(res.out).toContain(`Ссылка для входа (передайте только самому сотруднику):\n  http://127.0.0.1:3999/diary/login?token=${token}`);
    const rows = await q('SELECT token_sha256 FROM employee_tokens WHERE employee_id = $1', [w.annaId]);
    expect(rows).toEqual([{ token_sha256: createHash('sha256').update(token).digest('hex') }]);
    expect(JSON.stringify(await q('SELECT * FROM employee_tokens'))).not.toContain(token);
  });

  it('finds the employee by a unique part of the name, and refuses an unknown or ambiguous one', async () => {
    const part = await cli('employee', 'token', 'Савостина');
    expect(part.code, part.err).toBe(0);
    expect(part.out).toContain('Ключ входа для Савостина Ксения Андреевна (Дистанционный сервис 1_502)');
    const unknown = await cli('employee', 'token', 'Никого', 'Нет');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('сотрудник «Никого Нет» не найден');
    const ambiguous = await cli('employee', 'token', 'ов');
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err).toMatch(/под «ов» подходят \d+ сотрудник(а|ов); укажите полное имя/);
    expect((await cli('employee', 'token')).code).toBe(2);
  });

  it('signs in with the link: its page posts the token, then an HttpOnly SameSite=Strict cookie and on to /diary', async () => {
    const c = new DiaryClient(base);
    const token = await tokenFor('Лукина Елена Ивановна');
    // Opened from a mail client (another site): the link's page signs nobody in, it carries the token in its form.
    const page = await c.get(`/diary/login?token=${token}`, { 'sec-fetch-site': 'cross-site' });
    expect(page.status).toBe(200);
    expect(c.cookies.has('cg_diary')).toBe(false);
    expect(page.body).toContain('<form class="outcome" method="post" action="/diary/login">');
    expect(linkTokenOf(page.body)).toBe(token);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    // A link scanner opening the page again uses nothing up.
    expect((await new DiaryClient(base).get(`/diary/login?token=${token}`)).status).toBe(200);
    const res = await c.post('/diary/login', { csrf: csrfOf(page.body), token: linkTokenOf(page.body) });
    expect(res.status).toBe(303);
    // The signed-in page's address carries no token.
    expect(res.location).toBe('/diary');
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('cg_diary='));
    expect(cookie).toMatch(/^cg_diary=[A-Za-z0-9_-]{43}; Path=\/diary; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect((await c.get('/diary')).status).toBe(200);
  });

  it('refuses a link used once already, and keeps the first session', async () => {
    const token = await tokenFor('Лукина Елена Ивановна');
    const first = new DiaryClient(base);
    expect((await openSignInLink(first, token)).status).toBe(303);
    const second = new DiaryClient(base);
    const again = await openSignInLink(second, token);
    expect(again.status).toBe(401);
    expect(again.body).toContain('Ключ входа недействителен: он уже использован');
    expect(second.cookies.has('cg_diary')).toBe(false);
    expect((await first.get('/diary')).status).toBe(200);
    expect(await q('SELECT 1 FROM employee_tokens WHERE employee_id = $1', [w.annaId])).toEqual([]);
  });

  it('refuses a link older than diary.tokenHours', async () => {
    const token = await tokenFor('Савостина Ксения Андреевна');
    const hours = t.config.diary.tokenHours;
    expect(hours).toBe(72);
    try {
      setClock(new Date(DIARY_NOW.getTime() + (hours * 3600 + 60) * 1000));
      const late = await openSignInLink(new DiaryClient(base), token);
      expect(late.status).toBe(401);
      expect(late.body).toContain('выдан больше 72 ч назад');
      // Just inside the limit the same link still works (the refusal above is the age, not the token).
      setClock(new Date(DIARY_NOW.getTime() + (hours * 3600 - 60) * 1000));
      expect((await openSignInLink(new DiaryClient(base), token)).status).toBe(303);
    } finally {
      setClock(DIARY_NOW);
    }
  });

  it('revokes the old token and its sessions when a new one is issued', async () => {
    const oldToken = await tokenFor('Лукина Елена Ивановна');
    const c = new DiaryClient(base);
    const page = await c.get(`/diary/login?token=${oldToken}`);
    await tokenFor('Лукина Елена Ивановна');
    const again = await c.post('/diary/login', { csrf: csrfOf(page.body), token: oldToken });
    expect(again.status).toBe(401);
    expect(again.body).toContain('Ключ входа недействителен');
    const signedInBefore = await signedIn('Лукина Елена Ивановна');
    expect((await signedInBefore.get('/diary')).status).toBe(200);
    await tokenFor('Лукина Елена Ивановна');
    expect((await signedInBefore.get('/diary')).status).toBe(401);
  });

  it('signs in through the form only with the form’s own nonce', async () => {
    const token = await tokenFor('Савостина Ксения Андреевна');
    const c = new DiaryClient(base);
    const form = await c.get('/diary/login');
    expect(form.status).toBe(200);
    const forged = await new DiaryClient(base).post('/diary/login', { csrf: csrfOf(form.body), token });
    expect(forged.status).toBe(403);
    const ok = await c.post('/diary/login', { csrf: csrfOf(form.body), token });
    expect(ok.status).toBe(303);
    expect((await c.get('/diary')).body).toContain('Савостина Ксения Андреевна');
  });
});

describe('without a session', () => {
  it('refuses every page and form', async () => {
    const c = new DiaryClient(base);
    const page = await c.get('/diary');
    expect(page.status).toBe(401);
    expect(page.body).toContain('Вход в ежедневник');
    expect(page.body).not.toContain('Ветстанция');
    expect((await c.get(`/diary/tasks/${w.tasks.call}`)).status).toBe(401);
    expect((await c.get('/diary/anything')).status).toBe(401);
    const post = await c.post(`/diary/tasks/${w.tasks.call}/outcome`, { csrf: 'x', outcome: 'held' });
    expect(post.status).toBe(403);
    const forgedCookie = new DiaryClient(base);
    forgedCookie.cookies.set('cg_diary', 'A'.repeat(43));
    expect((await forgedCookie.get('/diary')).status).toBe(401);
    expect((await new DiaryClient(base).get('/diary/login?token=not-a-token')).status).toBe(401);
    expect((await q(`SELECT state FROM tasks WHERE id = $1`, [w.tasks.call]))[0].state).toBe('open');
  });
});

describe('the day’s tasks', () => {
  it('lists the day’s visits, overdue first, each with its reasons by due time and priority, with kind, card, contact and script', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    const page = (await c.get('/diary')).body;
    // One visit per client: the fund's (overdue since 05.06) first, then the vet station's.
    const visits = [...page.matchAll(/<section class="visit[^"]*" id="visit-(\d+)"/g)].map((m) => Number(m[1]));
    expect(visits).toHaveLength(2);
    const order = [...page.matchAll(/<article class="task[^"]*" id="task-(\d+)"/g)].map((m) => Number(m[1]));
    // Every open reason of a client joins its visit, the one planned for tomorrow too.
    expect(order).toEqual([w.tasks.overdue, w.tasks.signal, w.tasks.tomorrow, w.tasks.risk, w.tasks.call, w.tasks.diagnostics]);
    expect(page).toContain('6 июня 2024 · на сегодня 2 контакта с клиентами (норма 20), из них просрочено 1');
    expect(page).toContain('<span class="badge overdue">просрочен на 1 день</span>');
    expect(page).toContain('<span class="badge overdue">Просрочена</span>');
    expect(page.match(/<form class="outcome"/g)).toHaveLength(2);
    expect(page).toContain(`action="/diary/visits/${visits[0]}/outcome"`);
    expect(page).toContain('Звонок ЛПР: обратная связь по письму');
    expect(page).toContain('Клиент с высоким риском отключения');
    // The client card: number, name, category and categories, fee, zone of the latest week and its reasons.
    expect(page).toContain('<dd><a href="/diary/clients/193254">193254 - Ветстанция по Ровенскому и Вейделевскому районам</a></dd>');
    expect(page).toContain('<dd>A; Красная зона, Новый</dd>');
    expect(page).toContain(`<dd>${rub(18500)} в месяц</dd>`);
    expect(page).toContain('0,38 — высокий риск, неделя 22 (27.05–02.06.2024)');
    expect(page).toContain('<li>Контакт с ЛПР: 0,50 — нет контакта с ЛПР за 3 мес.</li>');
    expect(page).not.toContain('норма выполнена');
    // The contact with the phone, and the call script.
    expect(page).toContain('Полчихина Елена Ивановна, Главный бухгалтер (ЛПР)');
    expect(page).toContain('<a href="tel:79623008252">7(962)300-82-52</a>');
    for (const question of [
      'Получили письмо?',
      'Ссылки активны?',
      'Информация актуальна?',
      'Какие вопросы интересуют?',
      'Что подготовить к следующему звонку?',
    ]) {
      expect(page).toContain(`<li>${question}</li>`);
    }
    expect(page).toContain('Письмо «Июнь 2024: ТОП вопросов, обзоры и вебинары» отправлено 03.06.2024 09:00.');
    expect(page).toMatch(
      /<li>03\.06\.2024 11:05 — <a href="https:\/\/www\.example\.com\/ot"[^>]*>Обучение охране труда: штрафы<\/a><\/li>/,
    );
    expect(page).toContain('Переходы почтовых роботов и сканеров не учтены: 4.');
    expect(page).toContain('<p>подборку по проверкам ГИТ</p>');
    // Other kinds show their evidence or address; a task without a contact shows the client's key persons.
    expect(page).toContain('<li>Задолженность 24 000 ₽ за апрель и май</li>');
    expect(page).toContain('zykova@fund.example<br><span class="muted">Ответ почтового сервера: 550 5.1.1 user unknown</span>');
    expect(page).toContain('Зыкова Юлия Анатольевна, юрист (ЛВПР)');
    // The outcomes of the admin script, and the "prepare next time" answer.
    for (const o of ['held', 'held-with-login', 'not-reached', 'refused']) expect(page).toContain(`name="outcome" value="${o}" required`);
    expect(page).toContain('Что подготовить к следующему звонку?<textarea name="next"');
    expect(page).not.toContain('Закрытая задача');
    expect(page).not.toContain('БЗМИ');
    expect(page).not.toContain('<script');
  });

  it('records an outcome through the form like `task done`: task closed, contact event stored, gone from the list', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    const csrf = csrfOf((await c.get('/diary')).body);
    const res = await c.post(`/diary/tasks/${w.tasks.call}/outcome`, {
      csrf,
      outcome: 'held-with-login',
      next: 'подборку по охране труда',
      note: 'зашли в систему вместе, показала подборку',
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/diary?done=${w.tasks.call}&outcome=held-with-login`);
    const [task] = await q('SELECT state, outcome, next_prep, note, closed_by FROM tasks WHERE id = $1', [w.tasks.call]);
    expect(task).toEqual({
      state: 'done',
      outcome: 'held_with_login',
      next_prep: 'подборку по охране труда',
      note: 'зашли в систему вместе, показала подборку',
      closed_by: w.annaId,
    });
    const events = await q(
      'SELECT client_id, contact_id, employee_id, outcome, result, natural_key FROM contact_events WHERE task_id = $1',
      [w.tasks.call],
    );
    expect(events).toEqual([
      {
        client_id: w.vetId,
        contact_id: w.lprId,
        employee_id: w.annaId,
        outcome: 'held_with_login',
        result: 'Контакт состоялся с входом; подготовить: подборку по охране труда',
        natural_key: `task.${w.tasks.call}`,
      },
    ]);
    const page = (await c.get(res.location as string)).body;
    expect(page).toContain(`Задача № ${w.tasks.call} закрыта: Контакт состоялся с входом.`);
    expect(page).not.toContain(`id="task-${w.tasks.call}"`);
    // The admin script agrees it is done with this outcome.
    const again = await cli('task', 'done', String(w.tasks.call), '--outcome', 'held-with-login');
    expect(again.out).toContain('уже закрыта с этим итогом; ничего не изменено');
    expect((await c.post(`/diary/tasks/${w.tasks.call}/outcome`, { csrf, outcome: 'refused' })).status).toBe(409);
  });

  it('refuses a forged or missing CSRF token, a bad outcome, and another specialist’s task, changing nothing', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    const csrf = csrfOf((await c.get('/diary')).body);
    const forged = await c.post(`/diary/tasks/${w.tasks.risk}/outcome`, { csrf: `${csrf.slice(0, -2)}xx`, outcome: 'held' });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('Форма не принята');
    expect((await c.post(`/diary/tasks/${w.tasks.risk}/outcome`, { outcome: 'held' })).status).toBe(403);
    // A token of another session is no good either.
    const other = await signedIn('Савостина Ксения Андреевна');
    const otherCsrf = csrfOf((await other.get('/diary')).body);
    expect((await c.post(`/diary/tasks/${w.tasks.risk}/outcome`, { csrf: otherCsrf, outcome: 'held' })).status).toBe(403);
    expect((await c.post(`/diary/tasks/${w.tasks.risk}/outcome`, { csrf, outcome: 'maybe' })).status).toBe(400);
    // Another specialist's task, seen or posted to: not found, whether of the team or not.
    for (const id of [w.tasks.boris, w.tasks.other, 999999]) {
      expect((await c.get(`/diary/tasks/${id}`)).status).toBe(404);
      expect((await c.post(`/diary/tasks/${id}/outcome`, { csrf, outcome: 'held' })).status).toBe(404);
    }
    // A specialist cannot reassign.
    expect((await c.post(`/diary/tasks/${w.tasks.risk}/reassign`, { csrf, to: String(w.borisId) })).status).toBe(403);
    const rows = await q('SELECT id, state, assignee_id FROM tasks WHERE id = ANY($1::bigint[]) ORDER BY id', [
      [w.tasks.risk, w.tasks.boris, w.tasks.other],
    ]);
    expect(rows).toEqual([
      { id: w.tasks.risk, state: 'open', assignee_id: w.annaId },
      { id: w.tasks.boris, state: 'open', assignee_id: w.borisId },
      { id: w.tasks.other, state: 'open', assignee_id: w.otherId },
    ]);
    expect(
      await q('SELECT count(*)::int AS n FROM contact_events WHERE task_id <> $1 AND task_id <> $2', [w.tasks.call, w.tasks.diagnostics]),
    ).toEqual([{ n: 0 }]);
  });

  it('closes a diagnostics task with its own outcomes, like `task done`: competitor-found records the finding', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    const page = (await c.get(`/diary/tasks/${w.tasks.diagnostics}`)).body;
    expect(page).toContain('Диагностика и профилактика появления конкурентов');
    expect(page).toContain('name="outcome" value="no-competitor" required> Конкурент не выявлен');
    expect(page).toContain('name="outcome" value="competitor-found" required> Выявлен конкурент');
    expect(page).not.toContain('value="held"');
    expect(page).toContain('<input type="text" name="competitor"');
    expect(page).not.toContain('name="next"');
    const csrf = csrfOf(page);
    const url = `/diary/tasks/${w.tasks.diagnostics}/outcome`;
    expect((await c.post(url, { csrf, outcome: 'held' })).status).toBe(400);
    expect((await c.post(url, { csrf, outcome: 'competitor-found' })).body).toContain('Не указан конкурент');
    const badMonth = await c.post(url, { csrf, outcome: 'competitor-found', competitor: 'Охрана труда', until: 'когда-нибудь' });
    expect(badMonth.status).toBe(400);
    expect(badMonth.body).toContain('Поле «Действует до» заполнено неверно');
    expect((await c.post(url, { csrf, outcome: 'no-competitor', competitor: 'Охрана труда' })).status).toBe(400);
    expect(await q('SELECT state FROM tasks WHERE id = $1', [w.tasks.diagnostics])).toEqual([{ state: 'open' }]);
    const ok = await c.post(url, {
      csrf,
      outcome: 'competitor-found',
      competitor: 'Охрана труда',
      until: '09.2024',
      contact: 'Зыкова Юлия Анатольевна',
      note: 'стоит система конкурента Охрана труда',
    });
    expect(ok.status).toBe(303);
    expect((await c.get(ok.location as string)).body).toContain('закрыта: Выявлен конкурент. Конкурент передан специалисту ТС.');
    expect(await q('SELECT state, outcome FROM tasks WHERE id = $1', [w.tasks.diagnostics])).toEqual([
      { state: 'done', outcome: 'competitor_found' },
    ]);
    const findings = await q('SELECT competitor, valid_until, contact_name, source, diagnostics_task_id FROM competitor_findings');
    expect(findings).toEqual([
      {
        competitor: 'Охрана труда',
        valid_until: '2024-09-30',
        contact_name: 'Зыкова Юлия Анатольевна',
        source: 'task',
        diagnostics_task_id: w.tasks.diagnostics,
      },
    ]);
    // The diagnostics is not a contact: no contact event; the field specialist got the signal's task.
    expect(await q('SELECT count(*)::int AS n FROM contact_events WHERE task_id = $1', [w.tasks.diagnostics])).toEqual([{ n: 0 }]);
    expect(await q(`SELECT count(*)::int AS n FROM signals WHERE kind = 'competitor'`)).toEqual([{ n: 1 }]);
  });

  it('shows one task on its own page, opened', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    const page = await c.get(`/diary/tasks/${w.tasks.risk}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<article class="task" id="task-${w.tasks.risk}"><details open>`);
    expect(page.body).toContain(`action="/diary/tasks/${w.tasks.risk}/outcome"`);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('ends a session after diary.sessionHours', async () => {
    const c = await signedIn('Савостина Ксения Андреевна');
    expect((await c.get('/diary')).status).toBe(200);
    setClock(new Date(DIARY_NOW.getTime() + (t.config.diary.sessionHours * 3600 + 60) * 1000));
    try {
      expect((await c.get('/diary')).status).toBe(401);
    } finally {
      setClock(DIARY_NOW);
    }
  });

  it('signs out: the session ends', async () => {
    const c = await signedIn('Савостина Ксения Андреевна');
    const csrf = csrfOf((await c.get('/diary')).body);
    const out = await c.post('/diary/logout', { csrf });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/diary/login');
    expect((await c.get('/diary')).status).toBe(401);
  });
});

describe('a head of department', () => {
  it('sees the team’s tasks and gives one to another member of the team', async () => {
    const head = await signedIn('Фисун Екатерина Александровна');
    const page = (await head.get('/diary')).body;
    expect(page).toContain('План группы «Дистанционный сервис 1_502»');
    expect(page).toContain('Лукина Елена Ивановна — ');
    expect(page).toContain(`id="task-${w.tasks.boris}"`);
    expect(page).not.toContain(`id="task-${w.tasks.other}"`);
    // The head reads a member's task but does not record its outcome.
    expect(page).not.toContain(`action="/diary/tasks/${w.tasks.boris}/outcome"`);
    expect(page).toContain(`action="/diary/tasks/${w.tasks.boris}/reassign"`);
    const csrf = csrfOf(page);
    expect((await head.post(`/diary/tasks/${w.tasks.boris}/outcome`, { csrf, outcome: 'held' })).status).toBe(404);
    const moved = await head.post(`/diary/tasks/${w.tasks.boris}/reassign`, { csrf, to: String(w.annaId) });
    expect(moved.status).toBe(303);
    expect(moved.location).toBe(`/diary?moved=${w.tasks.boris}`);
    expect(await q('SELECT assignee_id FROM tasks WHERE id = $1', [w.tasks.boris])).toEqual([{ assignee_id: w.annaId }]);
    expect(
      await q('SELECT from_employee_id, to_employee_id, by_employee_id FROM task_reassignments WHERE task_id = $1', [w.tasks.boris]),
    ).toEqual([{ from_employee_id: w.borisId, to_employee_id: w.annaId, by_employee_id: w.headId }]);
    // Now Anna has it in her diary, and may record it.
    const anna = await signedIn('Лукина Елена Ивановна');
    expect((await anna.get('/diary')).body).toContain(`id="task-${w.tasks.boris}"`);
    // Not to someone outside the team, not a task of another team, not without the form's token.
    expect((await head.post(`/diary/tasks/${w.tasks.risk}/reassign`, { csrf, to: String(w.otherId) })).status).toBe(400);
    expect((await head.post(`/diary/tasks/${w.tasks.other}/reassign`, { csrf, to: String(w.annaId) })).status).toBe(404);
    expect((await head.post(`/diary/tasks/${w.tasks.risk}/reassign`, { csrf: 'forged', to: String(w.borisId) })).status).toBe(403);
    expect(await q('SELECT assignee_id FROM tasks WHERE id = ANY($1::bigint[]) ORDER BY id', [[w.tasks.risk, w.tasks.other]])).toEqual([
      { assignee_id: w.annaId },
      { assignee_id: w.otherId },
    ]);
  });
});

describe('another department’s client', () => {
  it('is «not found» in the new-task form exactly as a missing number, and sets no task', async () => {
    const head = await signedIn('Фисун Екатерина Александровна');
    const csrf = csrfOf((await head.get('/diary/new')).body);
    const tasksBefore = await q('SELECT count(*)::int AS n FROM tasks');
    const form = (client: string) => ({ csrf, title: 'Позвонить главному бухгалтеру', assignee: String(w.annaId), client });
    const missing = await head.post('/diary/new', form('999999'));
    const other = await head.post('/diary/new', form('205749'));
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('Клиент с таким номером не найден.');
    expect(other.status).toBe(missing.status);
    expect(other.body).toBe(missing.body);
    expect(await q('SELECT count(*)::int AS n FROM tasks')).toEqual(tasksBefore);
    // The department's own client is accepted.
    const own = await head.post('/diary/new', form('207092'));
    expect(own.status).toBe(303);
  });

  it('makes a team’s task about it «not found» for reassigning', async () => {
    const [{ id }] = await q(
      `INSERT INTO tasks (kind, title, assignee_id, client_id, dedup_key, created_by)
       SELECT 'manual', 'Задача о чужом клиенте', $1, id, 'foreign-client-task', 'test' FROM clients WHERE number = 205749 RETURNING id`,
      [w.borisId],
    );
    const head = await signedIn('Фисун Екатерина Александровна');
    const csrf = csrfOf((await head.get('/diary')).body);
    const res = await head.post(`/diary/tasks/${id}/reassign`, { csrf, to: String(w.annaId) });
    const missing = await head.post('/diary/tasks/99999999/reassign', { csrf, to: String(w.annaId) });
    expect(res.status).toBe(404);
    expect(res.body).toBe(missing.body);
    expect(await q('SELECT assignee_id FROM tasks WHERE id = $1', [id])).toEqual([{ assignee_id: w.borisId }]);
  });
});

describe('input that cannot hurt', () => {
  it('answers NUL or a control character in a form or the query with 400 naming the field, changing nothing', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    expect((await q('SELECT state FROM tasks WHERE id = $1', [w.tasks.overdue]))[0].state).toBe('open');
    const csrf = csrfOf((await c.get(`/diary/tasks/${w.tasks.overdue}`)).body);
    for (const [field, bad] of [
      ['note', 'Перезвонить\u0000завтра'],
      ['next', 'подготовить\u001bподборку'],
    ] as const) {
      const res = await c.post(`/diary/tasks/${w.tasks.overdue}/outcome`, { csrf, outcome: 'held', [field]: bad });
      expect(res.status, field).toBe(400);
      expect(res.body).toContain(`Поле «${field}» содержит недопустимые символы`);
    }
    const query = await c.get('/diary?done=1%00&outcome=held');
    expect(query.status).toBe(400);
    expect(query.body).toContain('Поле «done»');
    expect((await q('SELECT state FROM tasks WHERE id = $1', [w.tasks.overdue]))[0].state).toBe('open');
    // Line breaks and tabs are text.
    expect((await c.post(`/diary/tasks/${w.tasks.overdue}/outcome`, { csrf, outcome: 'nope', note: 'a\r\n\tb' })).status).toBe(400);
  });

  it('reads form bodies only: JSON or text gets 415 and changes nothing', async () => {
    const c = await signedIn('Лукина Елена Ивановна');
    const csrf = csrfOf((await c.get(`/diary/tasks/${w.tasks.overdue}`)).body);
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    for (const [type, body] of [
      ['application/json', JSON.stringify({ csrf, outcome: 'held', note: '\ud800' })],
      ['text/plain', `csrf=${csrf}&outcome=held`],
    ]) {
      const res = await fetch(`${base}/diary/tasks/${w.tasks.overdue}/outcome`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': type as string, cookie },
        body,
      });
      expect(res.status, type).toBe(415);
    }
    expect((await q('SELECT state FROM tasks WHERE id = $1', [w.tasks.overdue]))[0].state).toBe('open');
  });
});

describe('an employee deactivated by the employees import', () => {
  let n = 0;
  // Each file differs (a file imported before is skipped by its hash).
  const staff = (active: string) =>
    writeTsv(t, `staff-${++n}.tsv`, [
      ['ФИО', 'Подразделение', 'Роль', 'Активен', 'Телефон'],
      ['Лаптева Ольга Юрьевна', 'Дистанционный сервис 2_502', 'ДИС', active, ''],
      ['Лукина Елена Ивановна', 'Дистанционный сервис 1_502', 'ДИС', 'да', `8-900-100-00-1${n}`],
    ]);
  const importStaff = async (active: string) => {
    const res = await cli('import', 'employees', staff(active), '--json');
    expect(res.code, res.err).toBe(0);
  };

  it('loses every open session at once', async () => {
    const before = await signedIn('Лаптева Ольга Юрьевна');
    expect((await before.get('/diary')).status).toBe(200);
    await importStaff('нет');
    expect(await q('SELECT active FROM employees WHERE id = $1', [w.otherId])).toEqual([{ active: false }]);
    expect(await q('SELECT 1 FROM diary_sessions WHERE employee_id = $1', [w.otherId])).toEqual([]);
    expect((await before.get('/diary')).status).toBe(401);
    // Another employee of the same file keeps her access.
    expect(await q('SELECT active FROM employees WHERE id = $1', [w.annaId])).toEqual([{ active: true }]);
  });

  it('loses a sign-in link not used yet', async () => {
    await importStaff('да');
    const link = await tokenFor('Лаптева Ольга Юрьевна');
    expect(await q('SELECT 1 FROM employee_tokens WHERE employee_id = $1', [w.otherId])).toHaveLength(1);
    await importStaff('нет');
    expect(await q('SELECT 1 FROM employee_tokens WHERE employee_id = $1', [w.otherId])).toEqual([]);
    // Even back in the staff, the old link stays dead.
    await importStaff('да');
    expect((await openSignInLink(new DiaryClient(base), link)).status).toBe(401);
  });
});
