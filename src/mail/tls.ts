/**
 * SMTP_URL and IMAP_URL require TLS — `smtps:` / `imaps:`, or STARTTLS that the connection
 * must not do without (nodemailer's `requireTLS`, imapflow's `doSTARTTLS`) — unless the URL
 * says `?tls=off` (a relay on the same host or a private network, the tests' local servers).
 * A service allowed plaintext says so in its log at start.
 */
import type { AppConfig } from '../config.js';
import type { Logger } from '../log.js';

/** True when the URL allows a connection without TLS (`?tls=off`). */
export function plaintextAllowed(url: string): boolean {
  return new URL(url).searchParams.get('tls') === 'off';
}

/** A problem with the `tls` parameter of a mail URL, or null. */
export function tlsParamProblem(key: string, url: string): string | null {
  const tls = new URL(url).searchParams.get('tls');
  return tls === null || tls === 'off' ? null : `${key}: tls=${tls} (expected tls=off, or no tls parameter to require TLS)`;
}

/** One warning per mail URL that allows plaintext (the embedded sink of the demo and tests is not one). */
export function warnPlaintext(config: AppConfig, log: Logger): void {
  for (const [key, url] of [
    ['SMTP_URL', config.env.smtpUrl],
    ['IMAP_URL', config.env.imapUrl],
  ] as const) {
    if (url && plaintextAllowed(url)) {
      log.warn({ variable: key }, `${key} says tls=off: passwords and mail cross the network unencrypted`);
    }
  }
}
