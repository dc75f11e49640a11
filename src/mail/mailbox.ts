/**
 * The bounce mailbox over IMAP (imapflow): read what waits in INBOX, then move each message to
 * `Processed` or `Review`. The caller moves only after its database commit, so a crash in
 * between leaves the message in INBOX to be read again (and its effects are idempotent).
 */
import { ImapFlow, type MailboxLockObject } from 'imapflow';
import { plaintextAllowed } from './tls.js';

export interface MailboxMessage {
  uid: number;
  source: Buffer;
}

export interface BounceMailbox {
  /** The URL without credentials, for logs and `status`. */
  readonly url: string;
  /** Up to `max` messages of INBOX, oldest first. */
  fetchInbox(max: number): Promise<MailboxMessage[]>;
  move(uids: readonly number[], folder: string): Promise<void>;
  close(): Promise<void>;
}

/** The IMAP URL without user, password and parameters. */
export function publicMailboxUrl(imapUrl: string): string {
  const u = new URL(imapUrl);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString();
}

export async function openBounceMailbox(imapUrl: string, opts: { folders: string[]; timeoutMs: number }): Promise<BounceMailbox> {
  const u = new URL(imapUrl);
  const secure = u.protocol === 'imaps:';
  const client = new ImapFlow({
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    // STARTTLS or no connection (imapflow otherwise goes on in cleartext), unless the URL says tls=off.
    doSTARTTLS: secure || plaintextAllowed(imapUrl) ? undefined : true,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
    tls: { rejectUnauthorized: u.searchParams.get('tlsRejectUnauthorized') !== 'false' },
  });
  // A dropped connection surfaces as a failed command; the event itself must not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`IMAP ${publicMailboxUrl(imapUrl)}: cannot log in (${(err as Error).message})`, { cause: err });
  }
  const existing = new Set((await client.list()).map((m) => m.path));
  for (const f of opts.folders) if (!existing.has(f)) await client.mailboxCreate(f);
  let lock: MailboxLockObject | null = await client.getMailboxLock('INBOX');
  return {
    url: publicMailboxUrl(imapUrl),
    async fetchInbox(max) {
      const mailbox = client.mailbox;
      const exists = mailbox ? mailbox.exists : 0;
      if (!exists) return [];
      const out: MailboxMessage[] = [];
      for await (const msg of client.fetch(`1:${Math.min(exists, max)}`, { uid: true, source: true })) {
        if (msg.source) out.push({ uid: msg.uid, source: msg.source });
      }
      return out;
    },
    async move(uids, folder) {
      if (uids.length) await client.messageMove(uids.join(','), folder, { uid: true });
    },
    async close() {
      lock?.release();
      lock = null;
      await client.logout().catch(() => client.close());
    },
  };
}
