import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCandidates } from '../../src/db/recipients.js';
import { selectRecipients } from '../../src/domain/recipients.js';
import { type TrackingKeys, unsubscribeToken } from '../../src/mail/tracking.js';
import { createTestEnv, type TestEnv } from '../helpers/env.js';
import { serve } from '../helpers/http.js';
import { addMailing, addMessage, addRecipient, type Recipient } from './mailing.js';

/** Of these contacts, the ones the real selection of the next month's mailing would e-mail. */
async function nextMonthRecipients(contactIds: number[]): Promise<number[]> {
  const period = '2099-01';
  const candidates = await loadCandidates(t.app.pool, 'lpr-monthly', period);
  const rules = { period, includeLvpr: false, defaultFrequencyMonths: 1, hookAreas: [] };
  return selectRecipients(candidates, rules)
    .recipients.map((c) => c.contactId)
    .filter((id) => contactIds.includes(id))
    .sort((a, b) => a - b);
}

let t: TestEnv;
let server: FastifyInstance;
let base: string;
let secret: TrackingKeys;

beforeAll(async () => {
  t = await createTestEnv();
  secret = t.config.env.trackingSecret;
  ({ server, base } = await serve(t.app));
});
afterAll(async () => {
  await server?.close();
  await t.close();
});

async function contact(id: number) {
  const { rows } = await t.app.pool.query('SELECT unsubscribed_at FROM contacts WHERE id = $1', [id]);
  return rows[0];
}

async function states(contactId: number): Promise<string[]> {
  const { rows } = await t.app.pool.query('SELECT state FROM messages WHERE contact_id = $1 ORDER BY id', [contactId]);
  return rows.map((r) => r.state);
}

/** A recipient with a sent message of June and a queued one of July. */
async function setup(): Promise<{ r: Recipient; sent: number; queued: number }> {
  const r = await addRecipient(t.app.pool, { email: `unsub${Math.random().toString(36).slice(2, 8)}@client.example` });
  const june = await addMailing(t.app.pool, { period: '2024-06' });
  const july = await addMailing(t.app.pool, { period: '2024-07', createdAt: '2024-07-01T09:00:00+03:00' });
  const sent = await addMessage(t.app.pool, { mailingId: june, contactId: r.contactId, clientId: r.clientId, toEmail: r.email });
  const queued = await addMessage(t.app.pool, {
    mailingId: july,
    contactId: r.contactId,
    clientId: r.clientId,
    toEmail: r.email,
    state: 'queued',
  });
  return { r, sent, queued };
}

describe('unsubscribe /u/<token>', () => {
  it('GET shows a Russian confirmation page with a form and no script, and changes nothing', async () => {
    const { r, sent } = await setup();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${base}/u/${unsubscribeToken(secret, sent)}`);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toMatch(/Отписка от рассылки/);
      expect(page).toMatch(/<form method="post" action="\/u\/[0-9a-z]+-[A-Za-z0-9_-]+">/);
      expect(page).toMatch(/<button type="submit">Отписаться от рассылки<\/button>/);
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toContain(r.email);
    }
    const head = await fetch(`${base}/u/${unsubscribeToken(secret, sent)}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await contact(r.contactId)).unsubscribed_at).toBeNull();
    expect(await states(r.contactId)).toEqual(['sent', 'queued']);
  });

  it('POST from the form unsubscribes, cancels queued messages, and a later mailing skips the contact', async () => {
    const { r, sent } = await setup();
    const other = await addRecipient(t.app.pool);
    expect(await nextMonthRecipients([r.contactId, other.contactId])).toEqual([r.contactId, other.contactId].sort((a, b) => a - b));
    const res = await fetch(`${base}/u/${unsubscribeToken(secret, sent)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'confirm=1',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/Вы отписаны от рассылки/);
    expect((await contact(r.contactId)).unsubscribed_at).not.toBeNull();
    expect(await states(r.contactId)).toEqual(['sent', 'cancelled']);
    const { rows } = await t.app.pool.query('SELECT unsubscribed_at FROM messages WHERE id = $1', [sent]);
    expect(rows[0].unsubscribed_at).not.toBeNull();
    expect(await nextMonthRecipients([r.contactId, other.contactId])).toEqual([other.contactId]);
    // The confirmation page now says so, and still changes nothing.
    const again = await fetch(`${base}/u/${unsubscribeToken(secret, sent)}`);
    expect(await again.text()).toMatch(/Вы уже отписаны/);
  });

  it('accepts the RFC 8058 one-click POST (form-encoded and multipart) and is harmless when repeated', async () => {
    const { r, sent } = await setup();
    const url = `${base}/u/${unsubscribeToken(secret, sent)}`;
    const first = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(first.status).toBe(200);
    const at = (await contact(r.contactId)).unsubscribed_at as Date;
    expect(at).not.toBeNull();
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const second = await fetch(url, { method: 'POST', body: form });
    expect(second.status).toBe(200);
    expect(await second.text()).toMatch(/Вы уже отписаны/);
    const bare = await fetch(url, { method: 'POST' });
    expect(bare.status).toBe(200);
    expect((await contact(r.contactId)).unsubscribed_at).toEqual(at);
    expect(await states(r.contactId)).toEqual(['sent', 'cancelled']);
  });

  it('answers a tampered or unknown token with the 404 page and changes nothing', async () => {
    const { r, sent } = await setup();
    const token = unsubscribeToken(secret, sent);
    const bad = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const appended = [`${token}A`, `${token}Q`, `${token}_`, token.slice(0, -1)].map((x) => `/u/${x}`);
    for (const path of [`/u/${bad}`, ...appended, `/u/${unsubscribeToken(secret, 987654)}`, '/u/', '/u/x/y']) {
      const get = await fetch(`${base}${path}`);
      expect(get.status, path).toBe(404);
      expect(await get.text()).toMatch(/Ссылка недействительна/);
      const post = await fetch(`${base}${path}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
      expect(post.status, path).toBe(404);
    }
    expect((await contact(r.contactId)).unsubscribed_at).toBeNull();
    expect(await states(r.contactId)).toEqual(['sent', 'queued']);
  });
});
