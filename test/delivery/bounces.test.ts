import { describe, expect, it } from 'vitest';
import { bounceKind } from '../../src/domain/bounce-kind.js';
import { readMailboxItem } from '../../src/mail/bounces.js';
import { mailingMessageId, parseMailingMessageId } from '../../src/mail/message-ids.js';
import { bounceSample, sampleNames } from './bounce-samples.js';

const SECRET = 'bounce-test-secret-0123456789';
const OPTS = { trackingSecret: SECRET, messageIdDomain: 'ric502.example', bounceDomain: 'bounce.ric502.example' };
const RCPT = 'ivanova@client.example';

async function read(name: string) {
  return readMailboxItem(bounceSample(name, { secret: SECRET, messageId: 4242, recipient: RCPT }), OPTS);
}

describe('bounce samples', () => {
  const expected: Record<string, { kind: string; status: string; format: string; verp: boolean; quoted: boolean }> = {
    'rfc3464-hard': { kind: 'hard', status: '5.1.1', format: 'rfc3464', verp: true, quoted: true },
    'rfc3464-mailbox-full': { kind: 'soft', status: '4.2.2', format: 'rfc3464', verp: true, quoted: true },
    'rfc3464-policy': { kind: 'policy', status: '5.7.1', format: 'rfc3464', verp: true, quoted: true },
    'rfc3464-delayed': { kind: 'delayed', status: '4.4.1', format: 'rfc3464', verp: true, quoted: true },
    'postfix-plain': { kind: 'hard', status: '5.1.1', format: 'postfix', verp: true, quoted: false },
    exim: { kind: 'hard', status: '5.1.1', format: 'exim', verp: true, quoted: true },
    exchange: { kind: 'hard', status: '5.1.1', format: 'exchange', verp: false, quoted: true },
    gmail: { kind: 'hard', status: '5.1.1', format: 'gmail', verp: true, quoted: false },
    // Yandex answers "550 5.7.1 No such user!" for a missing mailbox: hard despite the 5.7.
    yandex: { kind: 'hard', status: '5.7.1', format: 'yandex', verp: true, quoted: false },
    // Mail.ru's Exim gives no enhanced code: "550 … invalid mailbox … user not found".
    mailru: { kind: 'hard', status: '5.0.0', format: 'mailru', verp: true, quoted: true },
    'mailru-full': { kind: 'soft', status: '5.2.2', format: 'mailru', verp: true, quoted: true },
  };

  for (const [name, want] of Object.entries(expected)) {
    it(`classifies the ${name} sample as ${want.kind} ${want.status} (${want.format})`, async () => {
      const item = await read(name);
      expect(item.type).toBe('bounce');
      if (item.type !== 'bounce') return;
      expect({ kind: item.kind, status: item.status, format: item.format }).toEqual({
        kind: want.kind,
        status: want.status,
        format: want.format,
      });
      expect(item.recipient).toBe(RCPT);
      expect(item.verpMessageId).toBe(want.verp ? 4242 : null);
      expect(item.quotedMessageIds).toEqual(want.quoted ? [4242] : []);
      expect(item.diagnostic).toBeTruthy();
    });
  }

  it('covers every sample file', () => {
    const all = sampleNames();
    for (const n of Object.keys(expected)) expect(all).toContain(n);
    expect(all.filter((n) => !(n in expected)).sort()).toEqual(['autoreply-outlook', 'autoreply-ru', 'human-letter', 'unsubscribe-mailto']);
  });

  it('ignores automatic replies (RFC 3834 header, Outlook subject)', async () => {
    expect(await read('autoreply-ru')).toEqual({ type: 'auto-reply', reason: 'Auto-Submitted: auto-replied' });
    expect(await read('autoreply-outlook')).toEqual({ type: 'auto-reply', reason: 'subject' });
  });

  it('reads an e-mail to the List-Unsubscribe mailto as an unsubscribe request, only with a valid token', async () => {
    expect(await read('unsubscribe-mailto')).toEqual({ type: 'unsubscribe', messageId: 4242 });
    const forged = bounceSample('unsubscribe-mailto', { secret: 'another-secret-0123456789', messageId: 4242, recipient: RCPT });
    expect((await readMailboxItem(forged, OPTS)).type).toBe('unparseable');
  });

  it('sends a letter that is neither a bounce nor an auto-reply to review, and survives garbage', async () => {
    expect(await read('human-letter')).toMatchObject({ type: 'unparseable', subject: 'Re: question' });
    expect((await readMailboxItem('\u0000\u0001 not a mail at all', OPTS)).type).toBe('unparseable');
  });

  it('trusts a VERP address only with a valid signature', async () => {
    const forged = bounceSample('postfix-plain', { secret: 'another-secret-0123456789', messageId: 4242, recipient: RCPT });
    const item = await readMailboxItem(forged, OPTS);
    expect(item).toMatchObject({ type: 'bounce', verpMessageId: null });
  });
});

describe('bounce kind rules', () => {
  it('treats 5.x.x as hard, 4.x.x and a full mailbox as soft, 5.7.x as policy unless the user does not exist', () => {
    expect(bounceKind({ status: '5.1.1', action: 'failed' })).toBe('hard');
    expect(bounceKind({ status: '5.1.10', action: 'failed' })).toBe('hard');
    expect(bounceKind({ status: '4.4.7', action: 'failed' })).toBe('soft');
    expect(bounceKind({ status: '5.2.2', action: 'failed' })).toBe('soft');
    expect(bounceKind({ status: '550', diagnostic: 'Mailbox full' })).toBe('soft');
    expect(bounceKind({ status: '5.7.1', diagnostic: 'spam detected' })).toBe('policy');
    expect(bounceKind({ status: '5.7.1', diagnostic: 'No such user!' })).toBe('hard');
    expect(bounceKind({ status: '4.4.1', action: 'delayed' })).toBe('delayed');
    expect(bounceKind({ status: '2.0.0', action: 'delivered' })).toBeNull();
    expect(bounceKind({ status: null, diagnostic: 'something odd' })).toBeNull();
  });

  it('reads our Message-IDs only for our domain and with our signature', () => {
    const ours = mailingMessageId(SECRET, 42, 'ric502.example');
    expect(ours).toMatch(/^<message-42\.[0-9a-f]{16}@ric502\.example>$/);
    expect(parseMailingMessageId(SECRET, ours, 'ric502.example')).toBe(42);
    expect(parseMailingMessageId(SECRET, ours.replace('ric502', 'RIC502'), 'ric502.example')).toBe(42);
    expect(parseMailingMessageId(SECRET, ours.replace('ric502.example', 'evil.example'), 'ric502.example')).toBeNull();
    expect(parseMailingMessageId(SECRET, ours.replace('message-42', 'message-43'), 'ric502.example')).toBeNull();
    expect(parseMailingMessageId('another-secret-0123456789abcdef', ours, 'ric502.example')).toBeNull();
    // The unsigned form of the past: anyone can write it, so it names nothing.
    expect(parseMailingMessageId(SECRET, '<message-42@ric502.example>', 'ric502.example')).toBeNull();
    expect(parseMailingMessageId(SECRET, '<message-42.a1@ric502.example>', 'ric502.example')).toBeNull();
    expect(parseMailingMessageId(SECRET, '<notification-42@ric502.example>', 'ric502.example')).toBeNull();
  });
});
