/**
 * The embedded SMTP sink: a real SMTP server (the `smtp-server` package) on loopback that
 * writes every accepted message as an `.eml` file. Used when `SMTP_URL` is unset, so the
 * demo and a development machine send through the same SMTP path as production.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  port: number;
  url: string;
  /** Where the messages are written; null when the sink keeps nothing. */
  dir: string | null;
  /** Messages accepted since start. */
  accepted(): number;
  close(): Promise<void>;
}

let seq = 0;

/** The sink writing into `dir`; with `dir` null it keeps nothing (a bench's relay that only accepts). */
export async function startSmtpSink(dir: string | null, port = 0): Promise<SmtpSink> {
  if (dir !== null) mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 30 * 1024 * 1024,
    onData(stream, session, callback) {
      if (dir === null) {
        stream.on('end', () => {
          count++;
          callback(null, '2.0.0 Ok: queued');
        });
        stream.resume();
        return;
      }
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
      const file = join(dir, `${stamp}-${String(++seq).padStart(6, '0')}-${randomBytes(3).toString('hex')}.eml`);
      const envelope = [
        `Return-Path: <${session.envelope.mailFrom ? session.envelope.mailFrom.address : ''}>`,
        ...session.envelope.rcptTo.map((r) => `Delivered-To: ${r.address}`),
        '',
      ].join('\r\n');
      const out = createWriteStream(file);
      out.write(envelope);
      pipeline(stream, out)
        .then(() => {
          count++;
          callback(null, `2.0.0 Ok: queued as ${file.slice(-20, -4)}`);
        })
        .catch((err: Error) => callback(err));
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  // smtp-server exposes its net.Server as `server.server`.
  const actual = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return {
    port: actual,
    // Loopback in the same process: no TLS to ask for.
    url: `smtp://127.0.0.1:${actual}?tls=off`,
    dir,
    accepted: () => count,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
