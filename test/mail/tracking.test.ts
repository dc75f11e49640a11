import { describe, expect, it } from 'vitest';
import {
  clickToken,
  parseVerpAddress,
  unsubscribeToken,
  verifyClickToken,
  verifyUnsubscribeToken,
  verpAddress,
} from '../../src/mail/tracking.js';

const S = 'test-secret-0123456789abcdef';

describe('tracking tokens', () => {
  it('round-trips click, unsubscribe and VERP tokens', () => {
    const t = clickToken(S, 123456, 42);
    expect(t).toMatch(/^[0-9a-z]+-[0-9a-z]+-[A-Za-z0-9_-]+$/);
    expect(verifyClickToken(S, t)).toEqual({ messageId: 123456, linkId: 42 });
    expect(verifyUnsubscribeToken(S, unsubscribeToken(S, 77))).toEqual({ messageId: 77 });
    const verp = verpAddress(S, 9001, 'bounce.ric502.example');
    expect(verp).toMatch(/^bounce\+9001\.[0-9a-f]{16}@bounce\.ric502\.example$/);
    expect(parseVerpAddress(S, verp)).toEqual({ messageId: 9001 });
    expect(parseVerpAddress(S, `<${verp.toUpperCase()}>`)).toEqual({ messageId: 9001 });
  });

  it('rejects every single-character change of a click token', () => {
    const t = clickToken(S, 123456, 42);
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
    for (let i = 0; i < t.length; i++) {
      for (const ch of [alphabet[(alphabet.indexOf(t[i] as string) + 1) % alphabet.length], '']) {
        const bad = t.slice(0, i) + ch + t.slice(i + 1);
        if (bad !== t) expect(verifyClickToken(S, bad), bad).toBeNull();
      }
    }
  });

  it('rejects tokens of another purpose, another secret, or garbage', () => {
    const u = unsubscribeToken(S, 77);
    expect(verifyClickToken(S, u)).toBeNull();
    expect(verifyClickToken('another-secret-0123456789', clickToken(S, 1, 2))).toBeNull();
    for (const g of ['', '-', '--', 'a-b-c', '1-2-%2e%2e', `${'z'.repeat(13)}-1-AAAA`]) expect(verifyClickToken(S, g)).toBeNull();
    expect(parseVerpAddress(S, 'bounce+9001.0000000000000000@x')).toBeNull();
  });
});
