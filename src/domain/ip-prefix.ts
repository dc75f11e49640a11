/**
 * A click keeps only the network of its sender: IPv4 cut to /24, IPv6 to /48. Enough to see
 * that clicks came from one scanner farm, not enough to name a person's machine.
 */
import { isIPv4, isIPv6 } from 'node:net';

function expandIPv6(ip: string): number[] | null {
  const [head, tail, ...rest] = ip.split('::');
  if (rest.length) return null;
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const h = part(head);
  const t = part(tail);
  const missing = 8 - h.length - t.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t];
  const out = groups.map((g) => Number.parseInt(g, 16));
  return out.length === 8 && out.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff) ? out : null;
}

/** `203.0.113.0/24`, `2001:db8:1::/48`; null for anything that is not an IP address. */
export function ipPrefix(ip: string | undefined | null): string | null {
  if (!ip) return null;
  let addr = ip.trim();
  // IPv4 seen through a dual-stack socket.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  if (mapped) addr = mapped[1] as string;
  if (isIPv4(addr)) {
    const [a, b, c] = addr.split('.');
    return `${a}.${b}.${c}.0/24`;
  }
  const zoneless = addr.replace(/%.*$/, '');
  if (!isIPv6(zoneless)) return null;
  const g = expandIPv6(zoneless);
  if (!g) return null;
  return `${g
    .slice(0, 3)
    .map((n) => n.toString(16))
    .join(':')}::/48`;
}
