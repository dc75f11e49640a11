/**
 * `npm run bench -- client-card`: the client's card (`GET /diary/clients/<number>` over real
 * HTTP, signed in as a department head, the scope rule checked) at 100 000 clients with two
 * years of history, against a bare read of the same rows (the same tables, the same client,
 * plain index scans run side by side on the same pool, nothing rendered), measured in the same
 * run, interleaved request by request.
 *
 * Every client has two years of monthly contacts and e-mails, 26 scored weeks, trainings, ЛК
 * requests, hotline questions and tasks; the measured clients have a rich history: 104 scored
 * weeks, weekly contacts, three contacts with monthly e-mails and clicks, trainings, webinars,
 * requests, signals, findings, state changes, tasks with comments.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openSession, replaceEmployeeToken } from '../src/db/diary-auth.js';
import { withTransaction } from '../src/db/pool.js';
import { newToken, tokenHash } from '../src/diary/tokens.js';
import { SESSION_COOKIE } from '../src/http/diary/session.js';
import { buildServer } from '../src/http/server.js';
import { benchContext, machine, timed, writeSection } from './lib.js';

const DEFAULT_CLIENTS = 100_000;
let CLIENTS = DEFAULT_CLIENTS;
const DEPARTMENTS = 10;
const PER_DEPARTMENT = 10;
/** Clients with the rich two-year history, each opened REQUESTS / RICH times. */
const RICH = 100;
const REQUESTS = 300;
const WARMUP = 30;
const TARGET_MS = 150;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
};

async function seed(q: (sql: string, params?: unknown[]) => Promise<unknown>): Promise<void> {
  await q(`INSERT INTO departments (name) SELECT 'Дистанционный сервис ' || g || '_502' FROM generate_series(1, ${DEPARTMENTS}) g`);
  await q(
    `INSERT INTO employees (name, department_id, role, is_department_head)
     SELECT 'Руководитель ' || d.id || ' Анна Ивановна', d.id, 'head', true FROM departments d`,
  );
  await q(
    `INSERT INTO employees (name, department_id, role)
     SELECT 'Специалист ' || d.id || '-' || g || ' Елена Петровна', d.id, CASE WHEN g % 2 = 0 THEN 'field' ELSE 'remote' END
       FROM departments d, generate_series(1, ${PER_DEPARTMENT}) g`,
  );
  // Client n: remote specialist (odd) and field specialist (even) of department n % 10 + 1.
  await q(
    `WITH s AS (SELECT department_id, array_agg(id ORDER BY id) FILTER (WHERE role = 'remote') AS r,
                       array_agg(id ORDER BY id) FILTER (WHERE role = 'field') AS f
                  FROM employees WHERE role <> 'head' GROUP BY department_id)
     INSERT INTO clients (number, name, category, monthly_fee, state, remote_specialist_id, field_specialist_id, connected_on)
     SELECT 400000 + g, 'Клиент ' || g || ' ООО', (ARRAY['A','B','C'])[g % 3 + 1], 5000 + g % 20000, 'served',
            s.r[g % 5 + 1], s.f[g % 5 + 1], DATE '2019-01-01'
       FROM generate_series(1, ${CLIENTS}) g JOIN s ON s.department_id = (SELECT min(id) FROM departments) + g % ${DEPARTMENTS}`,
  );
  await q(
    `INSERT INTO contacts (client_id, full_name, position, is_lpr, is_key_user, email, phone, consent, email_status)
     SELECT c.id, 'Контакт ' || k || ' ' || c.number, 'Главный бухгалтер', k = 1, k = 2, 'k' || k || '.' || c.number || '@client.example',
            '8-4722-00-00-0' || k, true, 'ok'
       FROM clients c, generate_series(1, 2) k`,
  );
  await q(`INSERT INTO contacts (client_id, full_name, is_lvpr, email, consent)
           SELECT c.id, 'Контакт 3 ' || c.number, true, 'k3.' || c.number || '@client.example', true FROM clients c WHERE c.number <= 400000 + ${RICH}`);
  // Scores: 26 weeks for everyone, 104 for the rich clients.
  await q(
    `INSERT INTO risk_scores (client_id, week, week_end, training, training_reason, lk, lk_reason, lpr_contact, lpr_contact_reason,
                              logins, logins_reason, webinars, webinars_reason, indicator, zone, computed_at, computed_indicator, computed_zone, crm_indicator)
     SELECT c.id, to_char(DATE '2024-06-02' - 7 * w, 'IYYY-"W"IW'), DATE '2024-06-02' - 7 * w,
            0.2, 'норма выполнена', 0.3, '1 обращение за 3 мес.', 0.5, 'нет контакта с ЛПР за 3 мес.', 0.2, 'входы каждую неделю',
            0.3, '1 вебинар за 6 мес.', 0.3 + ((c.id + w) % 7) / 100.0, 'dynamic', now(), 0.3 + ((c.id + w) % 7) / 100.0, 'dynamic',
            CASE WHEN w % 3 = 0 THEN 0.32 END
       FROM clients c, generate_series(0, 103) w
      WHERE w < 26 OR c.number <= 400000 + ${RICH}`,
  );
  // Two years of monthly contacts for everyone; weekly for the rich clients.
  await q(
    `INSERT INTO contact_events (client_id, contact_id, employee_id, channel, occurred_at, outcome, goal, natural_key)
     SELECT c.id, k.id, c.remote_specialist_id, 'phone', TIMESTAMPTZ '2024-06-01 10:00+03' - make_interval(days => 7 * g),
            (ARRAY['held','held_with_login','not_held'])[g % 3 + 1], 'Плановый звонок', 'b.' || c.id || '.' || g
       FROM clients c JOIN contacts k ON k.client_id = c.id AND k.is_lpr, generate_series(0, 103) g
      WHERE g % 4 = 0 OR c.number <= 400000 + ${RICH}`,
  );
  await q(
    `INSERT INTO mailings (kind, period, subject, created_at)
     SELECT 'lpr-monthly', to_char(DATE '2024-06-01' - make_interval(months => m), 'YYYY-MM'), 'Ежемесячное письмо ' || m,
            TIMESTAMPTZ '2024-06-01 10:00+03' - make_interval(months => m)
       FROM generate_series(0, 23) m`,
  );
  await q(
    `INSERT INTO links (mailing_id, url, title) SELECT m.id, 'https://www.example.com/doc' || k, 'Документ ' || k FROM mailings m, generate_series(1, 5) k`,
  );
  await q(
    `INSERT INTO messages (mailing_id, contact_id, client_id, variant, to_email, state, queued_at, sent_at)
     SELECT m.id, k.id, k.client_id, 'manager', k.email, 'sent', m.created_at, m.created_at + interval '1 minute'
       FROM mailings m JOIN contacts k ON k.is_lpr OR (k.client_id <= (SELECT min(id) + ${RICH} FROM clients))`,
  );
  await q(
    `INSERT INTO clicks (message_id, link_id, clicked_at, method, is_bot, classified_at)
     SELECT x.id, l.id, x.sent_at + interval '2 hours', 'GET', false, x.sent_at + interval '3 hours'
       FROM messages x JOIN links l ON l.mailing_id = x.mailing_id AND l.url LIKE '%doc1'
      WHERE x.client_id <= (SELECT min(id) + ${RICH} FROM clients) OR x.id % 5 = 0`,
  );
  const day = (n: string) => `DATE '2024-06-01' - ${n}`;
  const rich = `c.number <= 400000 + ${RICH}`;
  await q(`INSERT INTO trainings (client_id, person_name, trained_on, topic, natural_key)
           SELECT c.id, 'Пользователь ' || g, ${day('g * 17')}, 'Обучение', 't.' || c.id || '.' || g FROM clients c, generate_series(1, 40) g WHERE g <= 2 OR ${rich}`);
  await q(`INSERT INTO webinar_attendance (client_id, person_name, attended_on, webinar, natural_key)
           SELECT c.id, 'Пользователь ' || g, ${day('g * 18')}, 'Вебинар', 'w.' || c.id || '.' || g FROM clients c, generate_series(1, 40) g WHERE ${rich}`);
  await q(`INSERT INTO lk_requests (client_id, requested_on, request_type, natural_key)
           SELECT c.id, ${day('g * 7')}, 'Консультация', 'l.' || c.id || '.' || g FROM clients c, generate_series(1, 100) g WHERE g <= 4 OR ${rich}`);
  await q(`INSERT INTO hotline_requests (client_id, requested_on, kind, natural_key)
           SELECT c.id, ${day('g * 3')}, CASE WHEN g % 2 = 0 THEN 'question' ELSE 'document' END, 'h.' || c.id || '.' || g
             FROM clients c, generate_series(1, 200) g WHERE g <= 8 OR ${rich}`);
  await q(`INSERT INTO signals (client_id, kind, detected_at, summary, dedup_key, acknowledged_at, acknowledged_by)
           SELECT c.id, 'payment_decline', TIMESTAMPTZ '2024-06-01 08:00+03' - make_interval(days => 35 * g), 'Долг растёт', 's.' || c.id || '.' || g,
                  TIMESTAMPTZ '2024-06-01 10:00+03' - make_interval(days => 35 * g), 'Специалист'
             FROM clients c, generate_series(1, 20) g WHERE ${rich}`);
  await q(`INSERT INTO competitor_findings (client_id, competitor, found_at, source, dedup_key)
           SELECT c.id, 'Гарант', TIMESTAMPTZ '2024-01-15 10:00+03' - make_interval(days => 180 * g), 'admin', 'f.' || c.id || '.' || g
             FROM clients c, generate_series(1, 2) g WHERE ${rich}`);
  await q(`INSERT INTO client_state_changes (client_id, from_state, to_state, changed_on, source)
           SELECT c.id, 'primary_advance', 'served', DATE '2022-09-01', 'import' FROM clients c WHERE ${rich}`);
  await q(
    `INSERT INTO tasks (kind, title, state, assignee_id, client_id, dedup_key, created_by, created_at, due_at, closed_at, outcome)
     SELECT 'risk-review', 'Клиент с высоким риском', CASE WHEN g = 1 THEN 'open' ELSE 'done' END, c.remote_specialist_id, c.id,
            'task.' || c.id || '.' || g, 'bench', TIMESTAMPTZ '2024-06-01 07:00+03' - make_interval(days => 20 * g),
            TIMESTAMPTZ '2024-06-07 18:00+03' - make_interval(days => 20 * g),
            CASE WHEN g > 1 THEN TIMESTAMPTZ '2024-06-03 12:00+03' - make_interval(days => 20 * g) END,
            CASE WHEN g > 1 THEN 'recovered' END
       FROM clients c, generate_series(1, 40) g WHERE g <= 6 OR ${rich}`,
  );
  await q(`INSERT INTO task_comments (task_id, author_name, created_at, body)
           SELECT t.id, 'Руководитель', t.created_at + interval '1 day', 'Проверить и доложить' FROM tasks t JOIN clients c ON c.id = t.client_id WHERE ${rich}`);
  await q('ANALYZE');
}

/** The same rows the card reads, by plain index scans on the same pool, nothing rendered. */
const BARE = [
  'SELECT * FROM clients c LEFT JOIN employees r ON r.id = c.remote_specialist_id LEFT JOIN employees f ON f.id = c.field_specialist_id WHERE c.id = $1',
  'SELECT * FROM risk_scores WHERE client_id = $1 ORDER BY week DESC LIMIT 26',
  'SELECT * FROM contacts WHERE client_id = $1 AND active',
  `SELECT * FROM tasks WHERE client_id = $1 AND state = 'open'`,
  'SELECT * FROM client_state_changes WHERE client_id = $1 ORDER BY changed_on DESC LIMIT 51',
  'SELECT * FROM contact_events WHERE client_id = $1 ORDER BY occurred_at DESC LIMIT 51',
  'SELECT * FROM messages WHERE client_id = $1 ORDER BY queued_at DESC LIMIT 51',
  'SELECT * FROM trainings WHERE client_id = $1 ORDER BY trained_on DESC LIMIT 51',
  'SELECT * FROM webinar_attendance WHERE client_id = $1 ORDER BY attended_on DESC LIMIT 51',
  'SELECT * FROM lk_requests WHERE client_id = $1 ORDER BY requested_on DESC LIMIT 51',
  'SELECT * FROM hotline_requests WHERE client_id = $1 ORDER BY requested_on DESC LIMIT 51',
  'SELECT * FROM signals WHERE client_id = $1 ORDER BY detected_at DESC LIMIT 51',
  'SELECT * FROM competitor_findings WHERE client_id = $1 ORDER BY found_at DESC LIMIT 51',
  'SELECT * FROM tasks WHERE client_id = $1 ORDER BY created_at DESC LIMIT 51',
];

export async function run(args: string[] = []): Promise<void> {
  // `--clients N` for a smaller world while tuning (not written into BENCHMARKS.md); `--keep`
  // leaves the database for EXPLAIN.
  const n = args.indexOf('--clients');
  if (n >= 0) CLIENTS = Number(args[n + 1]);
  const keep = args.includes('--keep');
  const ctx = await benchContext();
  try {
    const { pool } = ctx.app;
    // One connection without foreign-key triggers while seeding: the rows are consistent by
    // construction, and checking 8 million references would double the build.
    const seeder = await pool.connect();
    const built = await timed(async () => {
      await seeder.query(`SET session_replication_role = replica`);
      await seed((sql, params) => seeder.query(sql, params));
      await seeder.query(`RESET session_replication_role`);
    }).finally(() => seeder.release());
    const count = async (t: string) => Number((await pool.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    const sizes: string[] = [];
    for (const t of [
      'clients',
      'contacts',
      'risk_scores',
      'contact_events',
      'messages',
      'clicks',
      'trainings',
      'lk_requests',
      'hotline_requests',
      'tasks',
    ]) {
      sizes.push(`${t} ${(await count(t)).toLocaleString('en-US')}`);
    }
    // A head of the first department, signed in as the diary does it.
    const { rows: heads } = await pool.query<{ id: number; department_id: number }>(
      `SELECT e.id, e.department_id FROM employees e WHERE e.role = 'head' ORDER BY e.id LIMIT 1`,
    );
    const head = heads[0] as { id: number; department_id: number };
    const signIn = newToken();
    const session = newToken();
    const at = new Date();
    await withTransaction(pool, (db) => replaceEmployeeToken(db, head.id, tokenHash(signIn), at));
    await openSession(pool, tokenHash(signIn), tokenHash(session), at, new Date(at.getTime() + 3_600_000), new Date(at.getTime() - 60_000));
    const { rows: targets } = await pool.query<{ id: number; number: number }>(
      `SELECT c.id, c.number FROM clients c JOIN employees r ON r.id = c.remote_specialist_id
        WHERE c.number <= 400000 + ${RICH} AND r.department_id = $1 ORDER BY c.number`,
      [head.department_id],
    );
    if (!targets.length) throw new Error('no rich client in the head’s department');
    const server = await buildServer(ctx.app);
    await server.listen({ port: 0, host: '127.0.0.1' });
    const addr = server.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no TCP address');
    const base = `http://127.0.0.1:${addr.port}`;
    const cookie = `${SESSION_COOKIE}=${session}`;
    let bytes = 0;
    let items = 0;
    const card = async (number: number) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/diary/clients/${number}`, { headers: { cookie } });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`card ${number}: ${res.status}`);
      bytes = body.length;
      items = (body.match(/<li class="\w+" data-kind=/g) ?? []).length;
      return ms;
    };
    const bare = async (id: number) => {
      const t0 = performance.now();
      await Promise.all(BARE.map((sql) => pool.query(sql, [id])));
      return performance.now() - t0;
    };
    const cards: number[] = [];
    const bares: number[] = [];
    try {
      for (let i = 0; i < WARMUP + REQUESTS; i++) {
        const t = targets[i % targets.length] as { id: number; number: number };
        // Alternate which goes first, so neither always finds the other's pages in the cache.
        let c: number;
        let b: number;
        if (i % 2) {
          c = await card(t.number);
          b = await bare(t.id);
        } else {
          b = await bare(t.id);
          c = await card(t.number);
        }
        if (i >= WARMUP) {
          cards.push(c);
          bares.push(b);
        }
      }
    } finally {
      await server.close();
    }
    const row = (what: string, xs: number[]) =>
      `| ${what} | ${xs.length} | ${quantile(xs, 0.5).toFixed(1)} ms | ${quantile(xs, 0.95).toFixed(1)} ms | ${Math.max(...xs).toFixed(1)} ms |`;
    const p95 = quantile(cards, 0.95);
    const lines = [
      `${CLIENTS.toLocaleString('en-US')} clients in ${DEPARTMENTS} departments with two years of history (built in ${(built.ms / 1000).toFixed(0)} s: ${sizes.join(', ')}). ` +
        `A head of a department opens the cards of the ${targets.length} clients of her department with the rich history (104 scored weeks, ` +
        `weekly contacts, monthly e-mails to three contacts with clicks, trainings, webinars, requests, signals, findings, tasks with comments), ` +
        `${REQUESTS} requests after ${WARMUP} of warm-up, one at a time, over real HTTP (the page: ${Math.round(bytes / 1024)} KiB, ${items} timeline items); ` +
        `baseline = the same client's rows read by ${BARE.length} plain index scans side by side on the same pool, nothing rendered, interleaved with the cards.`,
      '',
      '| what | requests | p50 | p95 | max |',
      '|---|---|---|---|---|',
      row('bare read of the same rows (baseline)', bares),
      row('`GET /diary/clients/<number>`: session, scope rule, card, chart, contacts, open work, 50 timeline items, HTML', cards),
      '',
      `p95 of the card: **${p95.toFixed(1)} ms** (target ≤ ${TARGET_MS} ms), ${(p95 / quantile(bares, 0.95)).toFixed(1)}× the bare read's p95. ` +
        `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, load average ${loadavg()[0]?.toFixed(1)} at the end (the machine is shared with other work).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (CLIENTS === DEFAULT_CLIENTS) writeSection('client-card', lines.join('\n'));
  } finally {
    if (keep) {
      process.stdout.write(`kept the database ${ctx.db}\n`);
      await ctx.app.close();
    } else await ctx.close();
  }
}
