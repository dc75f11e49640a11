/**
 * One pooled nodemailer SMTP transport per process, and the classification of SMTP replies:
 * 2xx sent; 4xx, timeouts and connection errors transient (retry with backoff); 5xx and
 * malformed envelopes permanent (never retried). Without `SMTP_URL` the embedded sink
 * (sink.ts, loaded on demand) is started and used. With `smtp.dkim` and its key, every message
 * leaves DKIM-signed (dkim.ts).
 */
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { now } from '../clock.js';
import type { AppConfig } from '../config.js';
import { checkEmail, NO_SMTPUTF8_REASON, needsSmtpUtf8 } from '../domain/email-address.js';
import type { Logger } from '../log.js';
import { type DkimSigner, signedStream } from './dkim.js';
import type { SmtpSink } from './sink.js';
import { smtpUtf8Check } from './smtputf8.js';
import { plaintextAllowed } from './tls.js';

export type MailOptions = Mail.Options;

export interface SendResult {
  response: string;
  messageId: string;
}

export class SmtpSendError extends Error {
  override name = 'SmtpSendError';
  constructor(
    message: string,
    /** True for a 5xx reply or an envelope the server can never accept. */
    readonly permanent: boolean,
    readonly responseCode: number | null,
    readonly response: string | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

const TRANSIENT_CODES = new Set(['ETIMEDOUT', 'ECONNECTION', 'ESOCKET', 'EDNS', 'ECONNRESET', 'EPROTOCOL', 'EABORT', 'ESTREAM']);

export function classifySmtpError(err: unknown): SmtpSendError {
  const e = err as NodemailerError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const response = e.response ?? null;
  // TLS could not be set up (no STARTTLS, a bad certificate): the relay's fault or ours, never
  // the recipient's — retried, and never recorded as a bounce, whatever the reply code.
  if (e.code === 'ETLS' || e.command === 'STARTTLS') {
    return new SmtpSendError(
      `SMTP STARTTLS failed (TLS is required unless SMTP_URL says ?tls=off): ${response ?? e.message}`,
      false,
      code,
      response,
      {
        cause: err,
      },
    );
  }
  let permanent: boolean;
  if (code !== null) permanent = code >= 500;
  else permanent = !TRANSIENT_CODES.has(e.code ?? '') && e.code === 'EENVELOPE';
  return new SmtpSendError(`SMTP ${code ?? e.code ?? 'error'}: ${response ?? e.message}`, permanent, code, response, { cause: err });
}

export interface Mailer {
  /** Where mail goes: the SMTP URL without credentials, or the sink's. */
  readonly url: string;
  /** Set when the embedded sink is in use. */
  readonly sink: SmtpSink | null;
  send(message: MailOptions): Promise<SendResult>;
  close(): Promise<void>;
}

function transportOptions(url: string, config: AppConfig) {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    pool: true as const,
    maxConnections: config.smtp.poolSize,
    maxMessages: 1000,
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 25,
    secure,
    // Never fall back to plaintext when STARTTLS is missing or stripped, unless the URL says tls=off.
    requireTLS: !secure && !plaintextAllowed(url),
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    connectionTimeout: config.smtp.timeoutMs,
    greetingTimeout: config.smtp.timeoutMs,
    socketTimeout: config.smtp.timeoutMs,
    tls: { rejectUnauthorized: u.searchParams.get('tlsRejectUnauthorized') !== 'false' },
  };
}

export async function createMailer(config: AppConfig, log: Logger): Promise<Mailer> {
  let sink: SmtpSink | null = null;
  let url = config.env.smtpUrl;
  if (!url) {
    // Loaded only here: the sink's `smtp-server` is a dev dependency (demo, development), absent
    // from a production install, where SMTP_URL is required.
    const { startSmtpSink } = await import('./sink.js');
    sink = await startSmtpSink(join(config.env.varDir, 'mail'));
    url = sink.url;
    log.info({ dir: sink.dir, port: sink.port }, 'SMTP_URL is not set: e-mails go to the embedded sink');
  }
  const transport = nodemailer.createTransport(transportOptions(url, config));
  const signer = dkimSigner(config);
  if (signer) {
    // The 'stream' step sees the finished message (Date and Message-ID set): every message this
    // transport sends is signed, whoever composed it.
    transport.use('stream', (mail, done) => {
      mail.message.processFunc((input) => signedStream(input, signer, now));
      done();
    });
  }
  const announcesSmtpUtf8 = smtpUtf8Check(url, config.smtp.timeoutMs);
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  return {
    url: shown.toString(),
    sink,
    async send(message) {
      // The one address rule (domain/email-address.ts) for every e-mail that leaves.
      const addresses = envelopeAddresses(message);
      for (const a of addresses) {
        const check = checkEmail(a);
        if (!check.ok) throw new SmtpSendError(`адрес e-mail с ошибкой: ${check.reason}`, true, null, null);
      }
      // A non-ASCII local part needs SMTPUTF8: without it the message fails, said, never skipped.
      if (addresses.some(needsSmtpUtf8)) {
        let ok: boolean;
        try {
          ok = await announcesSmtpUtf8();
        } catch (err) {
          throw new SmtpSendError(`SMTP: ${(err as Error).message}`, false, null, null, { cause: err });
        }
        if (!ok) throw new SmtpSendError(NO_SMTPUTF8_REASON, true, null, null);
      }
      try {
        const info = await transport.sendMail(message);
        return { response: String(info.response ?? ''), messageId: String(info.messageId ?? '') };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    async close() {
      transport.close();
      if (sink) await sink.close();
    },
  };
}

/** The DKIM signer `smtp.dkim` and the key configure, or null (config.ts checks that both or neither are set). */
export function dkimSigner(config: AppConfig): DkimSigner | null {
  const { dkim } = config.smtp;
  const key = config.env.dkimKey;
  return dkim && key ? { ...dkim, key } : null;
}

/** The recipients (and sender) of a message's envelope, as plain addresses. */
export function envelopeAddresses(message: MailOptions): string[] {
  const out: string[] = [];
  const add = (a: unknown): void => {
    if (!a) return;
    if (Array.isArray(a)) for (const x of a) add(x);
    else if (typeof a === 'string') for (const p of addressparser(a, { flatten: true })) out.push(p.address);
    else if (typeof a === 'object' && 'address' in a) out.push(String((a as { address: string }).address));
  };
  if (message.envelope) {
    add(message.envelope.from);
    add(message.envelope.to);
    add(message.envelope.cc);
    add(message.envelope.bcc);
  } else {
    add(message.from);
    add(message.to);
    add(message.cc);
    add(message.bcc);
  }
  return out;
}

/** Header values may never carry CR/LF (header injection); collapse all whitespace runs. */
export function headerSafe(value: string): string {
  return value.replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ').trim();
}
