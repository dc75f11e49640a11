import { describe, expect, it } from 'vitest';
import { type BotRules, burstClickIds, type ClickFact, classifyClicks } from '../../src/domain/bot-clicks.js';
import { ipPrefix } from '../../src/domain/ip-prefix.js';

const RULES: BotRules = {
  scannerUserAgents: ['Barracuda', 'bot/', 'python-requests'],
  emptyUserAgentIsBot: true,
  secondsAfterDelivery: 10,
  burstLinks: 3,
  burstWindowSeconds: 2,
};
const SENT = new Date('2024-06-03T06:05:00Z');
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/125.0 Safari/537.36';
let id = 0;

function click(p: Partial<ClickFact> & { at: number }): ClickFact {
  return {
    id: ++id,
    messageId: p.messageId ?? 1,
    linkId: p.linkId ?? 1,
    clickedAt: new Date(SENT.getTime() + p.at * 1000),
    method: p.method ?? 'GET',
    userAgent: p.userAgent === undefined ? BROWSER : p.userAgent,
    linkKind: p.linkKind ?? 'link',
    sentAt: p.sentAt === undefined ? SENT : p.sentAt,
  };
}

describe('bot-click rules', () => {
  it('lets a person reading the letter an hour later through', () => {
    expect(classifyClicks([click({ at: 3600 })], RULES)).toEqual([{ id, isBot: false, reason: null }]);
  });

  it('marks HEAD, scanner user agents, a missing user agent, clicks within 10 s of delivery and the honeypot', () => {
    const cases: [Partial<ClickFact> & { at: number }, string][] = [
      [{ at: 3600, method: 'HEAD' }, 'head'],
      [{ at: 3600, userAgent: 'Mozilla/5.0 (compatible; Barracuda Sentinel)' }, 'scanner-ua'],
      [{ at: 3600, userAgent: 'Mozilla/5.0 (compatible; YandexBot/3.0)' }, 'scanner-ua'],
      [{ at: 3600, userAgent: null }, 'no-user-agent'],
      [{ at: 9.5 }, 'too-soon'],
      [{ at: 3600, linkKind: 'honeypot' }, 'honeypot'],
      [{ at: 3, method: 'HEAD', userAgent: 'python-requests/2.31' }, 'head,scanner-ua,too-soon'],
    ];
    for (const [spec, reason] of cases) {
      const [v] = classifyClicks([click({ ...spec, messageId: id + 100 })], RULES);
      expect(v, reason).toMatchObject({ isBot: true, reason });
    }
    // No delivery time known: the too-soon rule cannot apply.
    expect(classifyClicks([click({ at: 1, sentAt: null })], RULES)[0]?.isBot).toBe(false);
  });

  it('marks 3 distinct links of one message hit within 2 seconds as a burst, but not a person clicking slowly', () => {
    const burst = [click({ at: 600, linkId: 1 }), click({ at: 600.5, linkId: 2 }), click({ at: 601.9, linkId: 3 })];
    expect([...burstClickIds(burst, RULES)].sort()).toEqual(burst.map((c) => c.id).sort());
    const slow = [
      click({ at: 600, linkId: 1, messageId: 7 }),
      click({ at: 603, linkId: 2, messageId: 7 }),
      click({ at: 606, linkId: 3, messageId: 7 }),
    ];
    expect(burstClickIds(slow, RULES).size).toBe(0);
    const sameLink = [click({ at: 600, messageId: 8 }), click({ at: 600.2, messageId: 8 }), click({ at: 600.4, messageId: 8 })];
    expect(burstClickIds(sameLink, RULES).size).toBe(0);
    const twoMessages = [
      click({ at: 600, linkId: 1, messageId: 9 }),
      click({ at: 600.1, linkId: 2, messageId: 9 }),
      click({ at: 600.2, linkId: 3, messageId: 10 }),
    ];
    expect(burstClickIds(twoMessages, RULES).size).toBe(0);
    expect(classifyClicks(burst, RULES).every((v) => v.reason === 'burst')).toBe(true);
  });

  it('keeps only the network of an address: IPv4 /24, IPv6 /48', () => {
    expect(ipPrefix('203.0.113.77')).toBe('203.0.113.0/24');
    expect(ipPrefix('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(ipPrefix('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(ipPrefix('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(ipPrefix('::1')).toBe('0:0:0::/48');
    expect(ipPrefix('not an ip')).toBeNull();
    expect(ipPrefix(undefined)).toBeNull();
  });
});
