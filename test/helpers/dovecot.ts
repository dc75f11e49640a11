/**
 * A private Dovecot IMAP server on loopback for one test file: its own config dir, port and
 * maildir, user `bounces` / `secret`. Debian's `dovecot-imapd` must be installed: `npm test`'s
 * pretest step (.ci/system-deps) installs it or says how; no test runs apt-get.
 */
import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from '../../src/net.js';
import { waitFor } from './wait.js';

export interface Dovecot {
  port: number;
  /** IMAP_URL of the mailbox. */
  url: string;
  append(folder: string, raw: string | Buffer): Promise<void>;
  /** The raw messages of a folder (empty when the folder does not exist). */
  messages(folder: string): Promise<string[]>;
  stop(): Promise<void>;
}

function hasDovecot(): boolean {
  try {
    execSync('command -v dovecot', { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

function requireDovecot(): void {
  if (!hasDovecot()) {
    throw new Error(
      "dovecot is not installed: the bounce-mailbox tests need Debian's dovecot-imapd. Run .ci/system-deps (npm test runs it first).",
    );
  }
}

function config(dir: string, port: number): string {
  return `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/mail/%u
}
first_valid_uid = 0
namespace inbox {
  inbox = yes
  mailbox Processed {
    auto = create
  }
  mailbox Review {
    auto = create
  }
}
`;
}

export async function startDovecot(): Promise<Dovecot> {
  requireDovecot();
  const dir = mkdtempSync(join(tmpdir(), 'cg-dovecot-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  const uid = Number(execFileSync('id', ['-u', 'dovecot']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'dovecot']).toString().trim());
  chownSync(mail, uid, gid);
  writeFileSync(join(dir, 'users'), 'bounces:{PLAIN}secret\n');
  chmodSync(join(dir, 'users'), 0o644);
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, config(dir, port));
  // The daemon keeps inherited pipes open: no captured output, or this call would wait for it forever.
  execFileSync('dovecot', ['-c', conf], { stdio: 'ignore' });
  // dovecot here has ssl = no: the URL must allow plaintext (the service requires TLS otherwise).
  const url = `imap://bounces:secret@127.0.0.1:${port}?tls=off`;
  const client = () =>
    new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user: 'bounces', pass: 'secret' },
      logger: false,
      disableAutoIdle: true,
    });
  await waitFor(
    'dovecot to accept a login',
    async () => {
      const c = client();
      c.on('error', () => {});
      await c.connect();
      await c.logout();
      return true;
    },
    20_000,
    200,
  );
  return {
    port,
    url,
    async append(folder, raw) {
      const c = client();
      c.on('error', () => {});
      await c.connect();
      try {
        await c.append(folder, raw);
      } finally {
        await c.logout();
      }
    },
    async messages(folder) {
      const c = client();
      c.on('error', () => {});
      await c.connect();
      try {
        const boxes = (await c.list()).map((b) => b.path);
        if (!boxes.includes(folder)) return [];
        const lock = await c.getMailboxLock(folder);
        try {
          const exists = c.mailbox ? c.mailbox.exists : 0;
          if (!exists) return [];
          const out: string[] = [];
          for await (const m of c.fetch('1:*', { source: true })) if (m.source) out.push(m.source.toString('utf8'));
          return out;
        } finally {
          lock.release();
        }
      } finally {
        await c.logout();
      }
    },
    async stop() {
      try {
        execFileSync('doveadm', ['-c', conf, 'stop'], { stdio: 'ignore' });
      } catch {
        // already stopped
      }
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
