/**
 * The spam gate: every kind of e-mail churnguard sends, written on the demo's data by the
 * service's own code and signed with DKIM, scored by SpamAssassin's local rules
 * (`spamassassin -L`, one process over all of them). Each must score 1.0 or less; a failure
 * names the e-mail and the rules that fired. The kinds: the monthly e-mail in each variant
 * the demo sends, its «[ТЕСТ]» send from the content page, the signal alert (the competitor's
 * too), the digest, the escalation and the escalation digest, the diagnostics reminder and the
 * head's summary. Every e-mail the story sent verifies its DKIM signature (mailauth; Mail::DKIM
 * on one of each kind), and no subject is written all in capitals.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllCapitals } from '../../src/domain/capitals.js';
import { escalateOverdue } from '../../src/health/escalation.js';
import { csrfOf, DiaryClient, openSignInLink } from '../diary/client.js';
import { runStory, type Story } from '../fixtures/story.js';
import { runCapturedCli } from '../helpers/cli.js';
import { newDkimKeyPem, type TxtRecords, verifyWithMailauth, verifyWithMailDkim } from '../helpers/dkim.js';
import { spamScores } from '../helpers/spamassassin.js';
import { waitFor } from '../helpers/wait.js';
import { SAMPLE_DIR } from '../mailing/fixtures.js';

/** SpamAssassin's default threshold is 5.0; ours leaves no room for a relay's or a receiver's own rules to add up. */
const MAX_SCORE = 1.0;

interface Sent {
  file: string;
  raw: Buffer;
  kind: string;
  subject: string;
  messageId: string;
}

let story: Story;
let sent: Sent[] = [];
let records: TxtRecords;
let tmp: string;

/** The month's content loaded for July (June's mailing exists, so only July's page may send a test). */
async function loadJulyContent(): Promise<void> {
  const dir = join(tmp, '2024-07');
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  rmSync(join(dir, 'content.xlsx'));
  const json = JSON.parse(readFileSync(join(dir, 'content.json'), 'utf8'));
  writeFileSync(join(dir, 'content.json'), JSON.stringify({ ...json, period: '2024-07' }));
  const res = await runCapturedCli(story.t.config, ['content', 'load', dir]);
  expect(res.code, res.err).toBe(0);
}

/** A head signs in to the diary and sends one variant of July to themselves, as the content page does. */
async function sendTestFromContentPage(): Promise<void> {
  const { rows } = await story.t.app.pool.query<{ name: string }>(
    `SELECT name FROM employees WHERE role = 'head' AND email IS NOT NULL ORDER BY name LIMIT 1`,
  );
  const token = await runCapturedCli(story.t.config, ['employee', 'token', rows[0]?.name as string, '--json']);
  expect(token.code, token.err).toBe(0);
  const c = new DiaryClient(story.base);
  expect((await openSignInLink(c, JSON.parse(token.out).token)).status).toBe(303);
  const page = await c.get('/diary/content/2024-07');
  expect(page.status).toBe(200);
  // The first variant with a recipient this head sees (the others offer no test send).
  const variant = /name="variant" value="([^"]+)"/.exec(page.body)?.[1];
  expect(variant).toBeDefined();
  const res = await c.post('/diary/content/2024-07/test', { csrf: csrfOf(page.body), variant: variant as string });
  expect(res.status, res.body).toBe(303);
}

/**
 * The demo's heads each get a digest of several overdue signals; one escalated signal made
 * overdue again on its own gives the single escalation, sent the way the job sends it.
 */
async function escalateOneSignalAlone(): Promise<void> {
  const pool = story.t.app.pool;
  const { rowCount } = await pool.query(
    `UPDATE signals SET escalated_at = NULL, escalation_notification_id = NULL
      WHERE id = (SELECT min(id) FROM signals WHERE escalated_at IS NOT NULL AND acknowledged_at IS NULL)`,
  );
  expect(rowCount).toBe(1);
  expect((await escalateOverdue(story.t.app)).escalated).toBe(1);
  await waitFor('the single escalation sent', async () => {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notifications WHERE state IN ('queued', 'sending', 'retry')`,
    );
    return rows[0]?.n === 0;
  });
}

async function readSink(dir: string): Promise<Sent[]> {
  return Promise.all(
    readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .map(async (file) => {
        const raw = readFileSync(join(dir, file));
        const parsed = await simpleParser(raw);
        return {
          file,
          raw,
          kind: String(parsed.headers.get('x-churnguard-kind') ?? ''),
          subject: parsed.subject ?? '',
          messageId: parsed.messageId ?? '',
        };
      }),
  );
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cg-gate-'));
  story = await runStory({
    env: { DKIM_PRIVATE_KEY: newDkimKeyPem('rsa') },
    overrides: { smtp: { dkim: { domain: 'ric502.example', selector: 'cg2024' } } },
  });
  await loadJulyContent();
  await sendTestFromContentPage();
  await escalateOneSignalAlone();
  sent = await readSink(story.ctx.mailDir);
  const dns = await runCapturedCli(story.t.config, ['mail', 'dns', '--json']);
  const { dkim } = JSON.parse(dns.out);
  records = { [dkim.name]: dkim.value };
}, 300_000);
afterAll(async () => {
  await story?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** What makes two e-mails of one kind different enough to score both: the variant, the signal, single or digest. */
async function kindsOf(list: Sent[]): Promise<Map<string, Sent>> {
  const { rows } = await story.t.app.pool.query<{ id: string; variant: string }>('SELECT id, variant FROM messages');
  const variants = new Map(rows.map((r) => [Number(r.id), r.variant]));
  const out = new Map<string, Sent>();
  for (const s of list) {
    let key = s.kind;
    if (s.kind === 'lpr-monthly') key += ` ${variants.get(Number(/<message-(\d+)\./.exec(s.messageId)?.[1])) ?? '?'}`;
    else if (s.kind === 'signal-alert') key += ` ${s.subject.split(' — ')[0]}`;
    else if (s.kind === 'signal-escalation' && s.subject.startsWith('Не подтверждены сигналы')) key += ' digest';
    if (!out.has(key)) out.set(key, s);
  }
  return out;
}

describe('the spam gate', () => {
  it('covers every kind of e-mail: each variant of the month, the test send, alerts, digests, escalations, reminders, summaries', async () => {
    const kinds = [...(await kindsOf(sent)).keys()];
    const { rows } = await story.t.app.pool.query<{ variant: string }>('SELECT DISTINCT variant FROM messages ORDER BY 1');
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) expect(kinds).toContain(`lpr-monthly ${r.variant}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'lpr-monthly-test',
        'signal-alert Сигнал: Выявлен конкурент',
        'signal-digest',
        'signal-escalation',
        'signal-escalation digest',
        'diagnostics-reminder',
        'diagnostics-summary',
      ]),
    );
    expect(kinds.filter((k) => k.startsWith('signal-alert ')).length).toBeGreaterThan(2);
  });

  it(`scores every kind at ${MAX_SCORE} or less under SpamAssassin's local rules`, async () => {
    const sample = [...(await kindsOf(sent))];
    const scores = await spamScores(sample.map(([, s]) => s.raw));
    const table = sample.map(([key, s], i) => {
      const r = scores[i] as (typeof scores)[number];
      return { key, file: s.file, score: Math.round(r.score * 1000) / 1000, rules: r.rules.map((x) => `${x.name}=${x.points}`).join(', ') };
    });
    const over = table.filter((r) => r.score > MAX_SCORE);
    expect(over, `above ${MAX_SCORE}:\n${over.map((r) => `  ${r.key} (${r.file}): ${r.score} — ${r.rules}`).join('\n')}`).toEqual([]);
    expect(table).toHaveLength(sample.length);
  }, 180_000);

  it('signs every e-mail the story sent; the signatures verify', async () => {
    expect(sent.length).toBeGreaterThan(200);
    const failed: string[] = [];
    for (const s of sent) {
      const [v] = await verifyWithMailauth(s.raw, records);
      if (v?.result !== 'pass') failed.push(`${s.kind} ${s.file}: ${v?.result ?? 'no signature'} ${v?.comment ?? ''}`);
    }
    expect(failed).toEqual([]);
    const sample = [...(await kindsOf(sent)).values()];
    expect(
      await verifyWithMailDkim(
        sample.map((s) => s.raw),
        records,
      ),
    ).toEqual(sample.map(() => 'pass'));
  }, 120_000);

  it('writes no subject all in capitals', () => {
    const shouting = sent.filter((s) => isAllCapitals(s.subject)).map((s) => s.subject);
    expect(shouting).toEqual([]);
    expect(sent.every((s) => s.subject.length > 0)).toBe(true);
  });
});
