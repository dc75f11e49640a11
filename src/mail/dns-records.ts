/**
 * What a RIC publishes in DNS for its mail to arrive (`admin mail dns`): the DKIM key record
 * at `<selector>._domainkey.<domain>`, SPF for the domains of the envelope senders (the From
 * address of notifications and test sends, the VERP bounce domain of the mailing), and a
 * DMARC policy for the From domain — and whether the DKIM domain is aligned with the From
 * domain, which DMARC needs (a warning at start when it is not).
 */
import { isIP } from 'node:net';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { AppConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { DkimAlgorithm } from './dkim-key.js';

export interface TxtRecord {
  /** Fully qualified, without the trailing dot. */
  name: string;
  value: string;
}

export interface MailDns {
  /** The domain of `smtp.from`. */
  fromDomain: string;
  /** `smtp.bounceDomain`: the envelope sender of the mailing (VERP). */
  bounceDomain: string;
  /** Null when churnguard does not sign (no `smtp.dkim`). */
  dkim: (TxtRecord & { algorithm: DkimAlgorithm; bits: number | null; domain: string }) | null;
  /** One record per envelope-sender domain. */
  spf: TxtRecord[];
  dmarc: TxtRecord;
  /** The relay's host from SMTP_URL, or null (the embedded sink). */
  relayHost: string | null;
  /** Null when aligned or not signing; else the warning. */
  alignmentWarning: string | null;
}

/** The domain of the address in `smtp.from` (`"РИЦ502" <dis@ric502.ru>` → `ric502.ru`), lower case. */
export function fromDomain(from: string): string {
  const address = addressparser(from, { flatten: true })[0]?.address ?? from;
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Relaxed DMARC alignment, as far as it can be told without the public-suffix list: the same
 * domain, or one a subdomain of the other (`ric502.ru` and `mail.ric502.ru`).
 */
export function aligned(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

/** The warning when the DKIM domain is not aligned with the From domain, else null. */
export function dkimAlignmentWarning(config: AppConfig): string | null {
  const dkim = config.smtp.dkim;
  if (!dkim) return null;
  const from = fromDomain(config.smtp.from);
  return aligned(from, dkim.domain)
    ? null
    : `smtp.from is at ${from}, but smtp.dkim.domain is ${dkim.domain}: DMARC passes only when the DKIM domain is the From domain or shares it (sign as ${from}, or send from an address at ${dkim.domain})`;
}

/** At start, in production: the alignment warning in the log, naming both domains. */
export function warnDkimAlignment(config: AppConfig, log: Logger): void {
  const warning = config.env.run === 'production' ? dkimAlignmentWarning(config) : null;
  if (warning) log.warn({ fromDomain: fromDomain(config.smtp.from), dkimDomain: config.smtp.dkim?.domain }, warning);
}

/** The SPF mechanism of the relay host: `ip4:`/`ip6:` for an address, `a:` for a name. */
function spfMechanism(host: string | null): string {
  if (!host) return 'a:RELAY-HOST';
  const bare = host.replace(/^\[|\]$/g, '');
  const v = isIP(bare);
  return v === 4 ? `ip4:${bare}` : v === 6 ? `ip6:${bare}` : `a:${bare}`;
}

/** The records of this configuration. */
export function mailDns(config: AppConfig): MailDns {
  const from = fromDomain(config.smtp.from);
  const bounce = config.smtp.bounceDomain.toLowerCase();
  const relayHost = config.env.smtpUrl ? new URL(config.env.smtpUrl).hostname : null;
  const { dkim } = config.smtp;
  const key = config.env.dkimKey;
  const spfValue = `v=spf1 ${spfMechanism(relayHost)} ~all`;
  return {
    fromDomain: from,
    bounceDomain: bounce,
    dkim:
      dkim && key
        ? {
            name: `${dkim.selector}._domainkey.${dkim.domain}`.toLowerCase(),
            value: `v=DKIM1; k=${key.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519'}; p=${key.publicKey}`,
            algorithm: key.algorithm,
            bits: key.bits,
            domain: dkim.domain.toLowerCase(),
          }
        : null,
    spf: [...new Set([from, bounce])].map((name) => ({ name, value: spfValue })),
    dmarc: { name: `_dmarc.${from}`, value: `v=DMARC1; p=none; adkim=r; aspf=r; rua=mailto:dmarc-reports@${from}` },
    relayHost,
    alignmentWarning: dkimAlignmentWarning(config),
  };
}

/**
 * A record as a zone-file line: TXT strings are at most 255 characters, so a long value (an
 * RSA key) is written as several quoted strings that DNS joins.
 */
export function zoneLine(r: TxtRecord): string {
  const strings = r.value.match(/.{1,255}/g) ?? [''];
  return `${r.name}. IN TXT ${strings.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(' ')}`;
}
