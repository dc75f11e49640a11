/**
 * A real SMTP server for tests (smtp-server over TCP on loopback) that keeps what it
 * accepts, parsed, and can answer RCPT TO with any reply code per recipient and attempt.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
  /** The client asked for SMTPUTF8 in MAIL FROM. */
  smtpUtf8: boolean;
}

export interface TestSmtp {
  url: string;
  port: number;
  messages: Received[];
  /** RCPT attempts per address, accepted or not. */
  attempts: Map<string, number>;
  waitForCount(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Reply code for RCPT TO of `address` on its `attempt`-th try (1-based); null accepts. */
  rcptReply?(address: string, attempt: number): { code: number; message: string } | null;
  port?: number;
  /** Do not announce SMTPUTF8 in the EHLO reply (a server without RFC 6531). */
  hideSMTPUTF8?: boolean;
}

/**
 * A common reply policy: `flaky…` addresses get 451 on their first try, `gone…` addresses 550
 * on every try, the rest 250.
 */
export function flakyAndGone(address: string, attempt: number): { code: number; message: string } | null {
  if (address.startsWith('flaky') && attempt === 1) return { code: 451, message: '4.3.0 try again later' };
  if (address.startsWith('gone')) return { code: 550, message: '5.1.1 mailbox unavailable' };
  return null;
}

export async function startTestSmtp(opts: TestSmtpOptions = {}): Promise<TestSmtp> {
  const messages: Received[] = [];
  const attempts = new Map<string, number>();
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    hideSMTPUTF8: opts.hideSMTPUTF8 ?? false,
    onRcptTo(address, _session, cb) {
      const n = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, n);
      const reply = opts.rcptReply?.(address.address, n);
      if (reply) {
        const err = new Error(reply.message) as Error & { responseCode: number };
        err.responseCode = reply.code;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          parsed,
          smtpUtf8: (session.envelope as { smtpUtf8?: boolean }).smtpUtf8 === true,
        });
        for (const w of waiters) w();
        cb(null, 'Ok: queued');
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return {
    // A plaintext local server: the URL must allow it (the service requires TLS otherwise).
    url: `smtp://127.0.0.1:${port}?tls=off`,
    port,
    messages,
    attempts,
    waitForCount(n, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length >= n) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(messages);
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP sink got ${messages.length} of ${n} messages within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
