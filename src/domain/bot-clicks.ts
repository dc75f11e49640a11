/**
 * Which clicks on tracked links are a program's rather than a person's. Mail security gateways
 * and link previewers open every link of an e-mail as it arrives; counting those as interest
 * would send specialists calling people who never read the letter.
 *
 * A click is a bot's when any rule holds (all that hold are reported, in this order):
 * - `head`: a HEAD request (browsers open links with GET; scanners check with HEAD);
 * - `no-user-agent`: no User-Agent header at all (if configured);
 * - `scanner-ua`: the user agent contains an entry of the configured scanner list;
 * - `too-soon`: within N seconds of the message's delivery (no person reads that fast);
 * - `burst`: 3 or more distinct links of one message hit within 2 seconds;
 * - `honeypot`: the hidden link every e-mail carries, which no person can see.
 */

/** One raw click with what the rules need to know about it. */
export interface ClickFact {
  id: number;
  messageId: number;
  linkId: number;
  clickedAt: Date;
  method: string;
  userAgent: string | null;
  /** `links.kind`: 'honeypot' for the hidden link. */
  linkKind: string;
  /** When SMTP accepted the message (`messages.sent_at`); null if unknown. */
  sentAt: Date | null;
}

export interface BotRules {
  scannerUserAgents: readonly string[];
  emptyUserAgentIsBot: boolean;
  secondsAfterDelivery: number;
  burstLinks: number;
  burstWindowSeconds: number;
}

export type BotReason = 'head' | 'no-user-agent' | 'scanner-ua' | 'too-soon' | 'burst' | 'honeypot';

export interface ClickVerdict {
  id: number;
  isBot: boolean;
  /** Comma-separated {@link BotReason}s; null for a person's click. */
  reason: string | null;
}

/** Ids of the clicks that belong to a burst: ≥ burstLinks distinct links of one message within the window. */
export function burstClickIds(clicks: readonly ClickFact[], rules: Pick<BotRules, 'burstLinks' | 'burstWindowSeconds'>): Set<number> {
  const out = new Set<number>();
  const byMessage = new Map<number, ClickFact[]>();
  for (const c of clicks) {
    const list = byMessage.get(c.messageId);
    if (list) list.push(c);
    else byMessage.set(c.messageId, [c]);
  }
  const windowMs = rules.burstWindowSeconds * 1000;
  for (const list of byMessage.values()) {
    list.sort((a, b) => a.clickedAt.getTime() - b.clickedAt.getTime() || a.id - b.id);
    // Two pointers: [lo, hi] is every click within the window ending at list[hi].
    let lo = 0;
    const linkCounts = new Map<number, number>();
    for (let hi = 0; hi < list.length; hi++) {
      const h = list[hi] as ClickFact;
      linkCounts.set(h.linkId, (linkCounts.get(h.linkId) ?? 0) + 1);
      while (h.clickedAt.getTime() - (list[lo] as ClickFact).clickedAt.getTime() > windowMs) {
        const l = list[lo] as ClickFact;
        const n = (linkCounts.get(l.linkId) ?? 1) - 1;
        if (n === 0) linkCounts.delete(l.linkId);
        else linkCounts.set(l.linkId, n);
        lo++;
      }
      if (linkCounts.size >= rules.burstLinks) for (let i = lo; i <= hi; i++) out.add((list[i] as ClickFact).id);
    }
  }
  return out;
}

function matchesScanner(userAgent: string, needles: readonly string[]): boolean {
  const ua = userAgent.toLowerCase();
  return needles.some((n) => ua.includes(n.toLowerCase()));
}

/**
 * Classify clicks. Pass every click of the messages concerned (not only the new ones): the
 * burst rule looks at a message's clicks together.
 */
export function classifyClicks(clicks: readonly ClickFact[], rules: BotRules): ClickVerdict[] {
  const burst = burstClickIds(clicks, rules);
  return clicks.map((c) => {
    const reasons: BotReason[] = [];
    if (c.method.toUpperCase() === 'HEAD') reasons.push('head');
    const ua = c.userAgent?.trim() ?? '';
    if (!ua && rules.emptyUserAgentIsBot) reasons.push('no-user-agent');
    if (ua && matchesScanner(ua, rules.scannerUserAgents)) reasons.push('scanner-ua');
    if (c.sentAt && c.clickedAt.getTime() - c.sentAt.getTime() < rules.secondsAfterDelivery * 1000) reasons.push('too-soon');
    if (burst.has(c.id)) reasons.push('burst');
    if (c.linkKind === 'honeypot') reasons.push('honeypot');
    return { id: c.id, isBot: reasons.length > 0, reason: reasons.length ? reasons.join(',') : null };
  });
}
