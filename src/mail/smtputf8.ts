/**
 * Whether the SMTP server announces SMTPUTF8 (RFC 6531). nodemailer adds the SMTPUTF8
 * keyword to MAIL FROM when the server announces it and the envelope has a non-ASCII local
 * part; when the server does not, nodemailer sends the address all the same and the server
 * may mangle or refuse it. So before sending to such an address the sender asks the server
 * (one EHLO on a separate connection, remembered for a while) and fails the message with a
 * reason the desk can read instead.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** How long an answer is trusted: a server's configuration changes rarely. */
const REMEMBER_MS = 10 * 60_000;

/** One EHLO: true when the reply lists SMTPUTF8. */
export async function probeSmtpUtf8(url: string, timeoutMs: number): Promise<boolean> {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  const port = u.port ? Number(u.port) : secure ? 465 : 25;
  const rejectUnauthorized = u.searchParams.get('tlsRejectUnauthorized') !== 'false';
  const socket: Socket = secure
    ? tlsConnect({ host: u.hostname, port, servername: u.hostname, rejectUnauthorized })
    : netConnect({ host: u.hostname, port });
  socket.setTimeout(timeoutMs);
  socket.setEncoding('utf8');
  try {
    return await new Promise<boolean>((resolve, reject) => {
      let buf = '';
      let greeted = false;
      socket.on('timeout', () => reject(new Error(`SMTP server ${u.host} did not answer EHLO in ${timeoutMs} ms`)));
      socket.on('error', reject);
      socket.on('close', () => reject(new Error(`SMTP server ${u.host} closed the connection before answering EHLO`)));
      socket.on('data', (chunk: string) => {
        buf += chunk;
        // A reply is complete when its last line has a space after the code (`250 …`).
        const lines = buf.split('\r\n');
        const last = lines[lines.length - 2];
        if (last === undefined || !/^\d{3} /.test(last)) return;
        if (!greeted) {
          greeted = true;
          buf = '';
          socket.write('EHLO churnguard\r\n');
          return;
        }
        resolve(lines.some((l) => /^250[ -]SMTPUTF8\b/i.test(l)));
        socket.write('QUIT\r\n');
      });
    });
  } finally {
    socket.destroy();
  }
}

/** A remembered probe per server. */
export function smtpUtf8Check(url: string, timeoutMs: number): () => Promise<boolean> {
  let cached: { at: number; answer: Promise<boolean> } | null = null;
  return () => {
    const t = Date.now();
    if (!cached || t - cached.at > REMEMBER_MS) {
      const answer = probeSmtpUtf8(url, timeoutMs);
      cached = { at: t, answer };
      // A failed probe (server down) is not remembered: the send itself will then fail transiently.
      answer.catch(() => {
        cached = null;
      });
    }
    return cached.answer;
  };
}
