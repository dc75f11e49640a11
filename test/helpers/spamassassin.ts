/**
 * SpamAssassin's local rules (`spamassassin -L`, installed by .ci/system-deps) over many
 * messages in one process: loading the rules takes a second or two, scoring a message a few
 * milliseconds. A header of our own (`X-Spam-Gate: <score> <RULE=points,…>`) carries each
 * message's result; the messages come out in the order they went in. Bayes and learning are
 * off and the user directory is a fresh temporary one, so nothing of the machine's or of an
 * earlier run counts, and nothing is written outside it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpamRule {
  name: string;
  points: number;
}

export interface SpamScore {
  /** The sum of the rules' points. */
  score: number;
  rules: SpamRule[];
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile('spamassassin', args, { env, maxBuffer: 256 << 20, timeout: 180_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('spamassassin is not installed: run .ci/system-deps (npm test runs it first), or apt-get install spamassassin'));
      } else if (err) reject(new Error(`spamassassin failed: ${stderr || err.message}`));
      else resolve({ stdout, stderr });
    }),
  );
}

/** Each message's score and the rules that fired, in the order given. */
export async function spamScores(messages: Buffer[]): Promise<SpamScore[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-spam-'));
  try {
    const prefs = join(dir, 'user_prefs');
    writeFileSync(prefs, 'use_bayes 0\nbayes_auto_learn 0\n');
    const files = messages.map((m, i) => {
      const f = join(dir, `${String(i).padStart(4, '0')}.eml`);
      writeFileSync(f, m);
      return f;
    });
    const { stdout, stderr } = await run(['-L', '-x', '-p', prefs, '--cf=add_header all Gate _SCORE_ _TESTSSCORES(,)_', ...files], {
      ...process.env,
      HOME: dir,
    });
    // The header may be folded: a continuation line starts with white space.
    const headers = [...stdout.matchAll(/^X-Spam-Gate: (.*(?:\r?\n[ \t].*)*)/gm)].map((m) => (m[1] as string).replace(/\s+/g, ' ').trim());
    if (headers.length !== messages.length) {
      throw new Error(`spamassassin scored ${headers.length} of ${messages.length} messages: ${stderr.slice(0, 2000)}`);
    }
    return headers.map((h) => {
      const space = h.indexOf(' ');
      const list = space < 0 ? '' : h.slice(space + 1).replace(/\s+/g, '');
      const rules = list
        .split(',')
        .filter((r) => r !== '' && r !== 'none')
        .map((r) => {
          const [name = '', points = '0'] = r.split('=');
          return { name, points: Number(points) };
        });
      return { score: rules.reduce((s, r) => s + r.points, 0), rules };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
