/**
 * The SMTP sink in a process of its own: the embedded sink (src/mail/sink.ts) on loopback —
 * every message an `.eml` file in DIR, or kept nowhere without DIR — its port printed, ended
 * when its parent closes stdin. A real relay is another process too: receiving and writing the
 * e-mails uses another core while the service composes them. The simulation's sink (with its
 * DIR) and the sending benches' (keeping nothing), both started by `startSinkProcess`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../config.js';
import { startSmtpSink } from '../mail/sink.js';

/** Start the sink process writing into `dir` (null: keeping nothing); `stop` ends it. */
export async function startSinkProcess(dir: string | null): Promise<{ url: string; stop(): Promise<void> }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'sim', 'sink-process.ts'), ...(dir === null ? [] : [dir])],
    {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      const m = /port (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`the SMTP sink exited (${code})`)));
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${port}?tls=off`,
    stop: async () => {
      proc.stdin.end();
      await exited;
    },
  };
}

// Run as a script (the spawned sink): start it and wait for the parent to close stdin.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sink = await startSmtpSink(process.argv[2] ?? null);
  process.stdout.write(`port ${sink.port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    sink.close().finally(() => process.exit(0));
  });
}
