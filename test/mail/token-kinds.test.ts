/**
 * Every kind of signed token is accepted only in its canonical form: a property test over
 * every character appended (inserted), removed and changed. A new token kind is one entry
 * of TOKEN_KINDS.
 */
import { describe, expect, it } from 'vitest';
import { mailingMessageId, parseMailingMessageId } from '../../src/mail/message-ids.js';
import {
  ackToken,
  clickToken,
  parseVerpAddress,
  type TrackingKeys,
  unsubscribeToken,
  verifyAckToken,
  verifyClickToken,
  verifyUnsubscribeToken,
  verpAddress,
} from '../../src/mail/tracking.js';

const KEYS: TrackingKeys = ['new-key-0123456789abcdef0123456789', 'old-key-0123456789abcdef0123456789'];
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Characters a mutation may bring in: the token alphabet and a few that decoders skip or stop at. */
const EXTRA = `${BASE64URL}=.+/% \t~`;
const DOMAIN = 'bounce.ric502.example';

interface TokenKind {
  name: string;
  /** The token text that is mutated. */
  make(keys: TrackingKeys): string;
  /** True when the (mutated) text is accepted. */
  accepts(keys: TrackingKeys, token: string): boolean;
  /** Characters this kind is told apart by (VERP's local part is case-folded by mail systems). */
  alphabet: string;
}

const TOKEN_KINDS: TokenKind[] = [
  {
    name: 'click',
    make: (k) => clickToken(k, 123456, 42),
    accepts: (k, t) => verifyClickToken(k, t) !== null,
    alphabet: EXTRA,
  },
  {
    name: 'unsubscribe',
    make: (k) => unsubscribeToken(k, 77),
    accepts: (k, t) => verifyUnsubscribeToken(k, t) !== null,
    alphabet: EXTRA,
  },
  {
    name: 'ack',
    make: (k) => ackToken(k, 31337, new Date('2030-01-01T00:00:00Z')),
    accepts: (k, t) => verifyAckToken(k, t, new Date('2029-12-01T00:00:00Z')) !== null,
    alphabet: EXTRA,
  },
  {
    name: 'VERP',
    make: (k) => verpAddress(k, 9001, DOMAIN).split('@')[0] as string,
    accepts: (k, t) => parseVerpAddress(k, `${t}@${DOMAIN}`) !== null,
    alphabet: EXTRA.toLowerCase(),
  },
  {
    name: 'Message-ID',
    make: (k) => (mailingMessageId(k, 9001, 'ric502.example').match(/^<(.*)@/) as RegExpMatchArray)[1] as string,
    accepts: (k, t) => parseMailingMessageId(k, `<${t}@ric502.example>`, 'ric502.example') !== null,
    alphabet: EXTRA.toLowerCase(),
  },
];

function* mutations(token: string, alphabet: string): Generator<string> {
  for (let i = 0; i <= token.length; i++) {
    for (const ch of alphabet) yield token.slice(0, i) + ch + token.slice(i); // appended / inserted
    if (i < token.length) {
      yield token.slice(0, i) + token.slice(i + 1); // removed
      for (const ch of alphabet) if (ch !== token[i]) yield token.slice(0, i) + ch + token.slice(i + 1); // changed
    }
  }
}

describe.each(TOKEN_KINDS)('$name token', (kind) => {
  it('is accepted as issued, with the signing key and after it became an old key', () => {
    const token = kind.make(KEYS);
    expect(kind.accepts(KEYS, token)).toBe(true);
    // Rotation: a new key goes first; the token signed with the old one still verifies.
    expect(kind.accepts(['rotated-key-0123456789abcdef012345', ...KEYS], token)).toBe(true);
    expect(kind.accepts(['another-key-0123456789abcdef012345'], token)).toBe(false);
    // Signed with the first key only.
    expect(kind.accepts([KEYS[1] as string], token)).toBe(false);
  });

  it('refuses every character appended, removed or changed', () => {
    const token = kind.make(KEYS);
    let tried = 0;
    const accepted: string[] = [];
    for (const bad of mutations(token, kind.alphabet)) {
      if (bad === token) continue;
      tried++;
      if (kind.accepts(KEYS, bad)) accepted.push(bad);
    }
    expect(tried).toBeGreaterThan(token.length * kind.alphabet.length);
    expect(accepted).toEqual([]);
  });
});
