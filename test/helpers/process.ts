/**
 * Child processes of the real entry points (the service, the admin script), each with a
 * deadline; `killAll()` in afterEach makes sure a failing test leaves nothing running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';

export interface Child {
  proc: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<void>;
}

const children = new Set<Child>();

/**
 * `script` relative to `cwd` (the project by default) or absolute; a `.ts` file runs through tsx,
 * a `.js` file (compiled code) on plain node.
 */
export function spawnNode(script: string, args: string[], env: Record<string, string>, deadlineMs = 120_000, cwd = PROJECT_ROOT): Child {
  const path = isAbsolute(script) ? script : join(cwd, script);
  const proc = spawn(process.execPath, [...(path.endsWith('.js') ? [] : ['--import', 'tsx']), path, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const deadline = setTimeout(() => proc.kill('SIGKILL'), deadlineMs);
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, signal) => {
      clearTimeout(deadline);
      resolve(code ?? signal ?? -1);
    }),
  );
  const child: Child = {
    proc,
    output: () => out,
    exited,
    waitForOutput(re, timeoutMs = 90_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(out)) {
            listeners.delete(check);
            clearTimeout(t);
            resolve();
          }
        };
        const t = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no output matching ${re} within ${timeoutMs} ms; output:\n${out.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
  children.add(child);
  exited.then(() => children.delete(child));
  return child;
}

/** The admin script as a process: exit code, stdout and stderr. */
export async function runAdmin(
  args: string[],
  env: Record<string, string>,
  script = 'src/cli/main.ts',
  deadlineMs = 120_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const node = script.endsWith('.js') ? [join(PROJECT_ROOT, script)] : ['--import', 'tsx', join(PROJECT_ROOT, script)];
  const proc = spawn(process.execPath, [...node, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const deadline = setTimeout(() => proc.kill('SIGKILL'), deadlineMs);
  const code = await new Promise<number | string>((r) => proc.on('exit', (c, s) => r(c ?? s ?? -1)));
  clearTimeout(deadline);
  return { code, stdout, stderr };
}

export async function killAll(): Promise<void> {
  const all = [...children];
  for (const c of all) c.proc.kill('SIGKILL');
  await Promise.all(all.map((c) => c.exited));
}
