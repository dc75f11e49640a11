/**
 * The desk's language, checked where people read it: on the demo's story, every page of the
 * diary (every GET route the server registered, its parameters filled from the data: each task
 * kind's task opened by its own specialist, every report and the overview as a head, the
 * month's content page), the pages behind the e-mails' links (signal acknowledgement,
 * unsubscribe) and every e-mail the story sent (each template at least once). Each text fails
 * on an English word outside the allow-list, on a raw code of a task kind, task state, run state
 * or signal kind, on a command of the admin script («churnguard task done …», «admin …»), on
 * «№17» without a space and on «…» nested inside «…».
 *
 * A page added later is walked without a change here as long as its route parameters are
 * among those filled below; a new parameter fails the test, naming the route, until it is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/http/server.js';
import { REPORTS } from '../../src/reports/index.js';
import { csrfOf, DiaryClient, openSignInLink } from '../diary/client.js';
import { runStory, type Story } from '../fixtures/story.js';
import { runCapturedCli } from '../helpers/cli.js';
import { adminReadable, type Finding, languageProblems, readableAttributes, readableText, summarise } from './rules.js';

let story: Story;
const findings: Finding[] = [];
const pagesSeen: string[] = [];
const mailKinds = new Set<string>();

async function q<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await story.t.app.pool.query(sql, params)).rows as T[];
}

async function signedIn(name: string): Promise<DiaryClient> {
  const token = await runCapturedCli(story.t.config, ['employee', 'token', name, '--json']);
  expect(token.code, token.err).toBe(0);
  const c = new DiaryClient(story.base);
  expect((await openSignInLink(c, JSON.parse(token.out).token)).status).toBe(303);
  return c;
}

function checkPage(where: string, body: string): void {
  pagesSeen.push(where);
  findings.push(...languageProblems(where, readableText(body)), ...languageProblems(`${where} (attributes)`, readableAttributes(body)));
}

/** Values for each route parameter, from the story's data, per reader. */
type Fill = Record<string, string[]>;

async function walkRoutes(c: DiaryClient, who: string, fill: Fill): Promise<void> {
  const routes = registeredRoutes(story.server).filter((r) => r.methods.includes('GET') && r.url.startsWith('/diary'));
  expect(routes.length).toBeGreaterThan(3);
  for (const r of routes) {
    const params = [...r.url.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
    const unknown = params.filter((p) => !(p in fill));
    expect(unknown, `${r.url}: the language check does not know how to fill ${unknown.join(', ')}; add it to the fill`).toEqual([]);
    let urls = [r.url];
    for (const p of params) urls = urls.flatMap((u) => (fill[p] as string[]).map((v) => u.replace(`:${p}`, encodeURIComponent(v))));
    for (const url of urls) {
      if (url.includes('/logout')) continue;
      const res = await c.get(url);
      // Pages, refusals and «not found» are all read by people; downloads are files.
      const type = res.headers.get('content-type') ?? '';
      if (type.startsWith('text/html')) checkPage(`${who} GET ${url} (${res.status})`, res.body);
    }
  }
}

beforeAll(async () => {
  story = await runStory();
  // The July content, so the content page shows variants (June's mailing exists and is read-only).
  const dir = join(story.t.varDir, 'content-2024-07');
  const { cpSync, rmSync, writeFileSync } = await import('node:fs');
  const { SAMPLE_DIR } = await import('../mailing/fixtures.js');
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  rmSync(join(dir, 'content.xlsx'));
  const json = JSON.parse(readFileSync(join(dir, 'content.json'), 'utf8'));
  writeFileSync(join(dir, 'content.json'), JSON.stringify({ ...json, period: '2024-07' }));
  expect((await runCapturedCli(story.t.config, ['content', 'load', dir])).code).toBe(0);
}, 900_000);
afterAll(async () => {
  await story?.close();
});

describe('the desk’s language', () => {
  it('reads every diary page, report page and the overview in Russian, for a head and for each task kind’s specialist', async () => {
    const [head] = await q<{ name: string }>(
      `SELECT h.name FROM employees h WHERE h.is_department_head AND h.active
          AND EXISTS (SELECT 1 FROM clients c JOIN employees s ON s.id = c.remote_specialist_id WHERE s.department_id = h.department_id)
        ORDER BY h.name LIMIT 1`,
    );
    expect(head).toBeDefined();
    const headClient = await signedIn(head?.name as string);
    const reportsPage = await headClient.get('/diary/reports');
    expect(reportsPage.status).toBe(200);
    const reportNames = [...new Set([...REPORTS.map((r) => r.name), 'overview'])];
    const periods = ['2024-06', '2024-07'];
    const content = await headClient.get('/diary/content/2024-07');
    const variants = [...content.body.matchAll(/id="variant-([^"]+)"/g)].map((m) => m[1] as string);
    expect(variants.length).toBeGreaterThan(0);
    const anyTask = await q<{ id: string; number: string }>(
      `SELECT t.id::text, c.number::text FROM tasks t JOIN clients c ON c.id = t.client_id ORDER BY t.id LIMIT 1`,
    );
    const common = {
      period: periods,
      key: variants.slice(0, 2),
      number: [anyTask[0]?.number as string],
      client: [anyTask[0]?.number as string],
    };
    await walkRoutes(headClient, `head ${head?.name}`, { ...common, name: reportNames, id: [anyTask[0]?.id as string] });

    // Each task kind of the story, opened by its own specialist: the card, the script, the form.
    const byKind = await q<{ kind: string; id: string; assignee: string }>(
      `SELECT DISTINCT ON (t.kind) t.kind, t.id::text, e.name AS assignee
         FROM tasks t JOIN employees e ON e.id = t.assignee_id
        WHERE t.state = 'open' AND e.active ORDER BY t.kind, t.id`,
    );
    expect(byKind.map((k) => k.kind)).toEqual(expect.arrayContaining(['lpr-call', 'signal', 'competitor-diagnostics', 'risk-review']));
    for (const k of byKind) {
      const c = await signedIn(k.assignee);
      const page = await c.get(`/diary/tasks/${k.id}`);
      expect(page.status, `${k.kind} task ${k.id}`).toBe(200);
      checkPage(`${k.assignee} GET /diary/tasks/${k.id} (${k.kind})`, page.body);
      const list = await c.get('/diary');
      checkPage(`${k.assignee} GET /diary`, list.body);
      csrfOf(list.body);
    }
    const specialist = byKind.find((k) => k.kind === 'lpr-call') ?? byKind[0];
    await walkRoutes(await signedIn(specialist?.assignee as string), `specialist ${specialist?.assignee}`, {
      ...common,
      name: reportNames,
      id: [specialist?.id as string],
    });
    expect(pagesSeen.length).toBeGreaterThan(reportNames.length);
    expect(summarise(findings)).toEqual({});
  }, 600_000);

  it('writes every e-mail of the story, and the pages behind its links, in Russian', async () => {
    const mailFindings: Finding[] = [];
    const links = new Set<string>();
    const files = readdirSync(story.ctx.mailDir).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const parsed = await simpleParser(readFileSync(join(story.ctx.mailDir, file)));
      const kind = String(parsed.headers.get('x-churnguard-kind') ?? '');
      mailKinds.add(kind);
      const where = `${kind} ${file}`;
      mailFindings.push(...languageProblems(`${where} subject`, parsed.subject ?? ''));
      mailFindings.push(...languageProblems(`${where} text`, parsed.text ?? ''));
      if (parsed.html) {
        mailFindings.push(...languageProblems(`${where} html`, readableText(parsed.html)));
        for (const m of parsed.html.matchAll(/href="([^"]+)"/g)) {
          const url = (m[1] as string).replace(/&amp;/g, '&');
          if (url.startsWith(story.base) && /\/(?:a|u)\//.test(url)) links.add(url.slice(story.base.length));
        }
      }
    }
    // Each template of src/templates is among what was read (lpr-section is a part of lpr-monthly).
    expect([...mailKinds].sort()).toEqual(
      expect.arrayContaining([
        'diagnostics-reminder',
        'diagnostics-summary',
        'lpr-monthly',
        'signal-alert',
        'signal-digest',
        'signal-escalation',
      ]),
    );
    // The acknowledgement and unsubscribe pages: GET shows them and changes nothing.
    const visitor = new DiaryClient(story.base);
    const seen = new Set<string>();
    for (const link of links) {
      const kind = link.split('/')[1] as string;
      if ([...seen].filter((s) => s === kind).length >= 3) continue;
      seen.add(kind);
      const res = await visitor.get(link);
      mailFindings.push(...languageProblems(`GET ${link} (${res.status})`, readableText(res.body)));
    }
    const notFound = await visitor.get('/c/forged');
    mailFindings.push(...languageProblems('GET /c/forged', readableText(notFound.body)));
    expect(summarise(mailFindings)).toEqual({});
  }, 300_000);

  it('prints the admin script’s human output in Russian: status, tasks, runs, imports, plan, explain, every report', async () => {
    const cliFindings: Finding[] = [];
    const [client] = await q<{ number: string }>(
      `SELECT c.number::text FROM clients c JOIN risk_scores r ON r.client_id = c.id ORDER BY r.indicator DESC, c.number LIMIT 1`,
    );
    const [task] = await q<{ id: string }>(`SELECT id::text FROM tasks ORDER BY id LIMIT 1`);
    const commands: string[][] = [
      ['status'],
      ['tasks'],
      ['tasks', '--state', 'done'],
      ['task', 'show', task?.id as string],
      ['runs'],
      ['imports'],
      ['plan'],
      ['explain', client?.number as string],
      // Not `mail dns`: DNS records and mail headers for the RIC's mail administrator, Latin by nature.
      ['trigger', 'lpr-monthly', '--period', '2024-07', '--dry-run'],
      ...REPORTS.map((r) => ['report', r.name]),
    ];
    for (const argv of commands) {
      const res = await runCapturedCli(story.t.config, argv);
      const where = `admin ${argv.join(' ')}`;
      expect(res.code, `${where}: ${res.err}`).toBe(0);
      expect(res.out.trim().length, `${where} printed nothing`).toBeGreaterThan(20);
      cliFindings.push(...languageProblems(where, adminReadable(res.out + res.err), { commands: false }));
    }
    expect(summarise(cliFindings)).toEqual({});
  }, 300_000);

  it('catches what it is there to catch', () => {
    const problems = (s: string) => languageProblems('sample', s).map((f) => f.problem);
    expect(problems('Закройте: churnguard task done 5 --outcome held')).toEqual(
      expect.arrayContaining(['a command of the admin script: «churnguard task»', 'an English word: task', 'a raw code: held']),
    );
    expect(problems('Ключ выдаёт команда admin employee token')[0]).toBe('a command of the admin script: «admin employee»');
    expect(problems('Задача playbook, состояние completed')).toEqual(['a raw code: playbook', 'a raw code: completed']);
    expect(problems('МБОУ «СОШ №17»')).toEqual(['«№» without a space before the number']);
    expect(problems('Клиент «МБОУ «СОШ № 17» г. Алексеевка»')).toEqual(['«…» inside «…» (the inner pair is „…“)']);
    expect(problems('Клиент «МБОУ „СОШ № 17“ г. Алексеевка», churnguard, e-mail ivanov@школа.рф, https://x.example/a?b=c')).toEqual([]);
    expect(problems('Queues / Schedules / Last runs')).toHaveLength(4);
    // In the admin script's output the codes it takes back are the machine's; English is still caught.
    const admin = (s: string) => languageProblems('sample', adminReadable(s), { commands: false }).map((f) => f.problem);
    expect(admin('Обслуживание прерванных отправок (housekeeping), неделя 22 (2024-W22): admin retry send-email --unknown')).toEqual([]);
    expect(admin('5 task(s) queued (housekeeping), файл 02-clients.tsv')).toEqual([
      'an English word: task',
      'an English word: s',
      'an English word: queued',
    ]);
  });
});
