/**
 * Demo: the recipients of the month's e-mails (written by the mailing step into the SMTP sink)
 * click their tracked links over real HTTP — a few people a couple of hours later, and a mail
 * scanner that opens every link (the hidden honeypot included) the moment the letter
 * arrives — one recipient unsubscribes with the one-click POST, then click-check and
 * delivery-check run and both reports are printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { advanceClock, now } from '../clock.js';
import { periodOf } from '../domain/periods.js';
import { clickCheck } from '../jobs/click-check.js';
import { deliveryCheck } from '../jobs/delivery-check.js';
import { unsubscribeToken, unsubscribeUrl, verifyClickToken } from '../mail/tracking.js';
import { periodForFire } from '../queue/schedules.js';
import { executeRun } from '../queue/worker.js';
import { clicksReport } from '../reports/clicks.js';
import { deliveryReport } from '../reports/delivery.js';
import { renderText } from '../reports/render.js';
import type { DemoContext, DemoStep } from './types.js';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36';
const SCANNER = 'Mozilla/5.0 (compatible; Barracuda Sentinel; +https://www.barracuda.com)';

interface DemoEmail {
  messageId: number;
  /** Tracked links in the order of the letter, with the kind of the stored link. */
  links: { url: string; kind: string }[];
}

/** The tracked links of each e-mail in the sink. */
async function trackedEmails(ctx: DemoContext): Promise<DemoEmail[]> {
  const secret = ctx.app.config.env.trackingSecret;
  let files: string[];
  try {
    files = readdirSync(ctx.mailDir).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  const found: { messageId: number; url: string; linkId: number }[][] = [];
  for (const f of files.sort()) {
    const mail = await simpleParser(readFileSync(join(ctx.mailDir, f)));
    const body = `${typeof mail.html === 'string' ? mail.html : ''}\n${mail.text ?? ''}`;
    const urls = [...new Set(body.match(/https?:\/\/[^\s"'<>]+\/c\/[0-9a-z]+-[0-9a-z]+-[A-Za-z0-9_-]+/g) ?? [])];
    const links = urls.flatMap((url) => {
      const ids = verifyClickToken(secret, url.slice(url.lastIndexOf('/c/') + 3));
      return ids ? [{ ...ids, url }] : [];
    });
    if (links.length) found.push(links);
  }
  // In the order the messages were stored, not the sink's file names (those carry random ids):
  // the same letters are scanned, read and unsubscribed on every run of the demo.
  found.sort((a, b) => (a[0]?.messageId ?? 0) - (b[0]?.messageId ?? 0));
  const linkIds = found.flat().map((l) => l.linkId);
  const { rows } = await ctx.app.pool.query<{ id: number; kind: string }>(`SELECT id, kind FROM links WHERE id = ANY($1::bigint[])`, [
    linkIds,
  ]);
  const kinds = new Map(rows.map((r) => [r.id, r.kind]));
  return found.map((links) => ({
    messageId: links[0]?.messageId as number,
    links: links.map((l) => ({ url: l.url, kind: kinds.get(l.linkId) ?? 'link' })),
  }));
}

async function hit(url: string, method: 'GET' | 'HEAD', userAgent: string): Promise<number> {
  const res = await fetch(url, { method, redirect: 'manual', headers: { 'user-agent': userAgent } });
  await res.arrayBuffer();
  return res.status;
}

export const clicksStep: DemoStep = {
  title: 'Clicks, unsubscribe, bounces: click-check, delivery-check and their reports',
  async run(ctx) {
    const { app, say } = ctx;
    const emails = await trackedEmails(ctx);
    if (!emails.length) say('  no e-mails to click (no tracked links in the sink yet)');
    else {
      // The scanner of a mail gateway opens every link of the first letters as they arrive.
      const scanned = emails.slice(0, Math.max(1, Math.floor(emails.length / 3)));
      let scannerHits = 0;
      for (const e of scanned) {
        for (const l of e.links) {
          await hit(l.url, 'HEAD', SCANNER);
          await hit(l.url, 'GET', SCANNER);
          scannerHits += 2;
        }
      }
      say(`  a mail scanner opened every link of ${scanned.length} letter(s): ${scannerHits} requests (HEAD and GET)`);
      // People read their mail a couple of hours later and open one or two articles.
      advanceClock(2 * 3600_000);
      const readers = emails.filter((_, i) => i % 2 === 0).slice(0, 8);
      let human = 0;
      for (const [i, e] of readers.entries()) {
        const visible = e.links.filter((l) => l.kind !== 'honeypot');
        for (const l of visible.slice(0, 1 + (i % 2))) {
          const status = await hit(l.url, 'GET', BROWSER);
          if (status === 302) human++;
        }
        advanceClock(7 * 60_000);
      }
      say(`  ${readers.length} reader(s) opened ${human} article link(s) in a browser (302 to the stored URL)`);
      const leaving = emails.at(-1) as DemoEmail;
      const url = unsubscribeUrl(ctx.baseUrl, unsubscribeToken(app.config.env.trackingSecret, leaving.messageId));
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      await res.arrayBuffer();
      say(`  one recipient unsubscribed with the one-click POST: HTTP ${res.status}`);
    }
    // Let the click buffer write its batch.
    await new Promise((r) => setTimeout(r, app.config.clicks.flushIntervalMs * 3));
    for (const def of [clickCheck, deliveryCheck]) {
      const out = await executeRun(app, def, { period: periodForFire(app, def, now()), trigger: 'admin', force: true });
      say(`  ${def.name}: ${JSON.stringify(out.stats)}`);
    }
    const period = periodOf('month', now(), app.config.ric.timeZone);
    for (const report of [clicksReport, deliveryReport]) {
      const built = await report.build(app, { period });
      say('');
      for (const line of renderText(built, app.config.ric.timeZone).trimEnd().split('\n')) say(`  ${line}`);
    }
  },
};
