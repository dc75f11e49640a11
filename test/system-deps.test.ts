/**
 * `.ci/system-deps`, the pretest step that gets Chromium, Dovecot and SpamAssassin onto a fresh machine.
 * Nothing is uninstalled here: a PATH that holds only some programs makes the others read as
 * missing, and --dry-run stops before apt-get would run.
 */
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';

const SCRIPT = join(PROJECT_ROOT, '.ci', 'system-deps');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A directory for PATH holding links to just these programs (found on the real PATH). */
function pathWith(programs: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-path-'));
  chmodSync(dir, 0o755); // readable by the other user of the not-root case
  dirs.push(dir);
  for (const [name, target] of Object.entries(programs)) symlinkSync(target, join(dir, name));
  return dir;
}

function which(cmd: string): string {
  const found = (process.env.PATH ?? '')
    .split(':')
    .map((d) => join(d, cmd))
    .find((p) => {
      try {
        accessSync(p, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (!found) throw new Error(`${cmd} is not on PATH: run .ci/system-deps (npm test runs it first)`);
  return found;
}

/**
 * The script as another user runs it: a copy in a directory that user can read, since the
 * checkout may sit where only its owner can (a clone under `mktemp -d` is 0700).
 */
function scriptFor(uid: number | undefined): { script: string; cwd?: string } {
  if (uid === undefined) return { script: SCRIPT };
  const dir = pathWith({});
  const script = join(dir, 'system-deps');
  copyFileSync(SCRIPT, script);
  chmodSync(script, 0o755);
  return { script, cwd: dir };
}

async function systemDeps(args: string[], path: string, opts: { uid?: number } = {}) {
  const t0 = Date.now();
  // CHROMIUM_PATH unset: chromium is looked up on PATH only.
  const { CHROMIUM_PATH: _, ...env } = process.env;
  const { script, cwd } = scriptFor(opts.uid);
  const proc = spawn('/bin/bash', [script, ...args], {
    env: { ...env, PATH: path },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
  clearTimeout(timer);
  return { code, out, ms: Date.now() - t0 };
}

const isRoot = process.getuid?.() === 0;

describe('.ci/system-deps', () => {
  it('does nothing when Chromium, Dovecot and SpamAssassin are there', async () => {
    const path = pathWith({
      chromium: which('chromium'),
      dovecot: which('dovecot'),
      doveadm: which('doveadm'),
      spamassassin: which('spamassassin'),
    });
    const r = await systemDeps([], path);
    expect(r).toMatchObject({ code: 0, out: '' });
  });

  it('names every package to install when they are missing and apt-get is there (SpamAssassin without its recommends)', async () => {
    const path = pathWith({ 'apt-get': which('apt-get') });
    const r = await systemDeps(['--dry-run'], path);
    const install =
      'apt-get update && apt-get install -y chromium dovecot-imapd && apt-get install -y --no-install-recommends spamassassin';
    if (isRoot) {
      expect(r.code).toBe(0);
      expect(r.out).toBe(`system-deps: would run: ${install}\n`);
    } else {
      expect(r.code).toBe(1);
      expect(r.out).toContain(`sudo sh -c '${install}'`);
    }
  });

  it('names only the missing one', async () => {
    const path = pathWith({ 'apt-get': which('apt-get'), chromium: which('chromium'), spamassassin: which('spamassassin') });
    const r = await systemDeps(['--dry-run'], path);
    expect(r.out).toMatch(/apt-get update && apt-get install -y dovecot-imapd'?\n/);
    const onlySa = pathWith({
      'apt-get': which('apt-get'),
      chromium: which('chromium'),
      dovecot: which('dovecot'),
      doveadm: which('doveadm'),
    });
    const sa = await systemDeps(['--dry-run'], onlySa);
    expect(sa.out).toMatch(/apt-get update && apt-get install -y --no-install-recommends spamassassin'?\n/);
  });

  it.runIf(isRoot)('stops at once with the one command to run when it may not install (not root)', async () => {
    const path = pathWith({ 'apt-get': which('apt-get') });
    // Without --dry-run: as a user other than root it must not try apt-get at all.
    const r = await systemDeps([], path, { uid: 65534 });
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      "system-deps: the tests need chromium dovecot-imapd spamassassin, and only root may install them. Run:\n  sudo sh -c 'apt-get update && apt-get install -y chromium dovecot-imapd && apt-get install -y --no-install-recommends spamassassin'\n",
    );
    expect(r.ms).toBeLessThan(5000);
  });

  it('stops at once where there is no apt-get', async () => {
    const r = await systemDeps([], pathWith({}));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/need chromium dovecot-imapd spamassassin \(Debian package names\), and there is no apt-get here/);
    expect(r.ms).toBeLessThan(5000);
  });

  it('checks the packages .ci/run adds, and refuses an unknown one', async () => {
    const path = pathWith({ 'apt-get': which('apt-get') });
    const r = await systemDeps(['--dry-run', 'postgresql', 'redis-server'], path);
    if (isRoot) expect(r.out).toBe('system-deps: would run: apt-get update && apt-get install -y postgresql redis-server\n');
    const bad = await systemDeps(['nginx'], path);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/unknown package "nginx"/);
  });
});
