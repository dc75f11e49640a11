/**
 * The container image's recipe, checked without a Docker engine: the Dockerfile's stages
 * replayed on a clean copy of the repository. The build stage's files are copied, its
 * dependencies installed (`npm ci` with CG_IMAGE_NPM_CI=1, else the checkout's node_modules
 * linked) and `npm run build` run; `npm prune --omit=dev` stands for the runtime stage's
 * `npm ci --omit=dev`; the runtime stage's files are assembled from its COPY lines; then the
 * compiled admin script and service run there in production mode against a test database,
 * and the image's HEALTHCHECK command is run against the service.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { freePort } from '../src/net.js';
import { createTestEnv, type TestEnv } from './helpers/env.js';
import { killAll, spawnNode } from './helpers/process.js';
import { waitFor } from './helpers/wait.js';

const run = promisify(execFile);

interface Copy {
  from: string | null;
  src: string;
  dest: string;
}
interface Stage {
  name: string;
  image: string;
  copies: Copy[];
  runs: string[];
  lines: string[];
}

/** The Dockerfile as stages of COPY and RUN instructions (continuation lines joined). */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const stage = stages.at(-1);
    if (op === 'ARG' && !stage) {
      const [k = '', v = ''] = rest.join(' ').split('=');
      args[k] = v;
    } else if (op === 'FROM') {
      const image = (rest[0] ?? '').replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? '');
      stages.push({ name: rest[2] ?? String(stages.length), image, copies: [], runs: [], lines: [] });
    } else if (stage) {
      stage.lines.push(line);
      if (op === 'COPY') {
        const from = rest[0]?.startsWith('--from=') ? rest.shift()!.slice('--from='.length) : null;
        const dest = rest.pop()!;
        for (const src of rest) stage.copies.push({ from, src, dest });
      } else if (op === 'RUN') stage.runs.push(rest.join(' '));
    }
  }
  return { args, stages };
}

/** `COPY src dest` with WORKDIR /app: `dest` ending in / (or `./`) is a directory. */
function copyInto(fromDir: string, src: string, toDir: string, dest: string): void {
  const rel = src.replace(/^\/app\//, '');
  const target = dest === './' || dest.endsWith('/') ? join(toDir, dest, rel.split('/').pop()!) : join(toDir, dest);
  const source = join(fromDir, rel);
  if (!existsSync(source)) throw new Error(`Dockerfile copies ${src}, which does not exist in ${fromDir}`);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target, { recursive: true });
}

async function sh(cwd: string, command: string, timeoutMs = 300_000): Promise<string> {
  try {
    const { stdout, stderr } = await run('sh', ['-c', command], { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`.slice(0, 6000));
  }
}

const dockerfile = parseDockerfile(readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8'));
const dockerignore = readFileSync(join(PROJECT_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const buildStage = dockerfile.stages[0]!;
const runtime = dockerfile.stages.at(-1)!;

let t: TestEnv;
let work: string;
const timings: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestEnv();
  work = mkdtempSync(join(tmpdir(), 'cg-image-'));
});
afterEach(killAll);
afterAll(async () => {
  await t?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the Dockerfile', () => {
  it('builds on a slim Node of the major version the tests run on, and runs as a non-root user with a health check', () => {
    const major = process.versions.node.split('.')[0];
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const s of dockerfile.stages) expect(s.image).toMatch(new RegExp(`^node:${major}-.*slim$`));
    expect(buildStage.runs.some((r) => /^npm ci\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    expect(buildStage.runs).toContain('npm run build');
    expect(runtime.runs.some((r) => r.startsWith('npm ci --omit=dev'))).toBe(true);
    expect(runtime.copies).toContainEqual({ from: buildStage.name, src: '/app/dist', dest: './dist' });
    expect(runtime.lines).toContain('USER node');
    expect(runtime.lines.some((l) => /^HEALTHCHECK .*CMD .*\/healthz/.test(l))).toBe(true);
    expect(runtime.lines).toContain('CMD ["node", "dist/main.js"]');
    for (const excluded of ['var', 'test', 'docs', '.env', 'node_modules']) expect(dockerignore).toContain(excluded);
    // Nothing the image copies from the context is left out of it by .dockerignore.
    const fromContext = dockerfile.stages.flatMap((s) => s.copies.filter((c) => c.from === null).map((c) => c.src.split('/')[0]));
    for (const src of fromContext) expect(dockerignore, src).not.toContain(src);
  });
});

describe('the image recipe on a clean copy of the repository', () => {
  it('builds, prunes dev dependencies, and runs the compiled admin script, service and health check', { timeout: 600_000 }, async () => {
    // The build context: the repository's files as git sees them (tracked, and new ones not ignored).
    const context = join(work, 'context');
    const listed = (await sh(PROJECT_ROOT, 'git ls-files -z --cached --others --exclude-standard')).split('\0').filter(Boolean);
    for (const f of listed) {
      if (!existsSync(join(PROJECT_ROOT, f))) continue; // deleted in the working tree
      mkdirSync(dirname(join(context, f)), { recursive: true });
      cpSync(join(PROJECT_ROOT, f), join(context, f));
    }

    // Build stage.
    const build = join(work, 'build');
    mkdirSync(build);
    for (const c of buildStage.copies) copyInto(context, c.src, build, c.dest);
    // What `npm ci` checks first: the lock file matches package.json.
    const pkg = JSON.parse(readFileSync(join(build, 'package.json'), 'utf8'));
    const lockRoot = JSON.parse(readFileSync(join(build, 'package-lock.json'), 'utf8')).packages[''];
    expect(lockRoot.dependencies).toEqual(pkg.dependencies);
    expect(lockRoot.devDependencies).toEqual(pkg.devDependencies);
    let t0 = Date.now();
    if (process.env.CG_IMAGE_NPM_CI === '1') {
      // --prefer-offline: npm's cache from the checkout's own `npm ci` serves it without the network.
      await sh(build, 'npm ci --prefer-offline --no-audit --no-fund --loglevel=error');
    } else {
      // The checkout's node_modules (what its `npm ci` installed), hard-linked: minutes faster on a
      // busy machine. The prune below is real; its hidden lock file gets a copy of its own, as npm
      // rewrites it. CG_IMAGE_NPM_CI=1 runs npm ci instead.
      await sh(
        build,
        `cp -al '${join(PROJECT_ROOT, 'node_modules')}' node_modules 2>/dev/null || cp -a '${join(PROJECT_ROOT, 'node_modules')}' node_modules`,
      );
      const hidden = join(build, 'node_modules', '.package-lock.json');
      if (existsSync(hidden)) {
        const text = readFileSync(hidden);
        rmSync(hidden);
        writeFileSync(hidden, text);
      }
    }
    timings.npmCi = Date.now() - t0;
    t0 = Date.now();
    await sh(build, 'npm run build');
    timings.build = Date.now() - t0;
    expect(existsSync(join(build, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(build, 'dist', 'db', 'migrations', '0001_init.sql'))).toBe(true);
    expect(existsSync(join(build, 'dist', 'templates', 'lpr-monthly.mjml'))).toBe(true);

    // Runtime stage: production dependencies only, then the files its COPY lines name.
    t0 = Date.now();
    await sh(build, 'npm prune --omit=dev --no-audit --no-fund --loglevel=error');
    timings.prune = Date.now() - t0;
    // (typescript itself stays: an optional peer of cosmiconfig, which mjml's htmlnano uses.)
    for (const dev of ['tsx', 'smtp-server', 'autocannon', 'playwright-core', 'vitest', '@biomejs/biome']) {
      expect(existsSync(join(build, 'node_modules', dev)), `${dev} after the prune`).toBe(false);
    }
    const app = join(work, 'app');
    mkdirSync(app);
    renameSync(join(build, 'node_modules'), join(app, 'node_modules'));
    for (const c of runtime.copies) copyInto(c.from === buildStage.name ? build : context, c.src, app, c.dest);
    expect(existsSync(join(app, 'src'))).toBe(false);

    // Production settings: secrets of full length, an SMTP server named (nothing is sent here).
    const env = {
      ...t.env,
      NODE_ENV: 'production',
      TRACKING_SECRET: randomBytes(32).toString('hex'),
      ADMIN_TOKEN: randomBytes(32).toString('hex'),
      SMTP_URL: 'smtp://127.0.0.1:2525/?tls=off',
      VAR_DIR: join(work, 'var'),
    };

    const status = spawnNode('dist/cli/main.js', ['status', '--json'], env, 60_000, app);
    expect(await status.exited, status.output()).toBe(0);
    const parsed = JSON.parse(status.output());
    expect(parsed.ric).toBe(t.config.ric.code);
    expect(parsed.queues.map((q: { queue: string }) => q.queue)).toContain('lpr-monthly');

    // The package's bin runs the compiled admin script too.
    const bad = spawnNode('bin/churnguard.js', ['trigger', 'nope'], env, 60_000, app);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/неизвестное задание «nope»/);

    // The service (the image's CMD) with the http role, and the image's HEALTHCHECK against it.
    const port = await freePort();
    const serviceEnv = { ...env, ROLES: 'http', PORT: String(port) };
    const healthcheck = JSON.parse(runtime.lines.find((l) => l.startsWith('HEALTHCHECK'))!.replace(/^.*?CMD /, '')) as string[];
    expect(healthcheck[0]).toBe('node');
    const probe = (): Promise<number> =>
      new Promise((resolve) =>
        execFile(process.execPath, healthcheck.slice(1), { cwd: app, env: { ...process.env, ...serviceEnv }, timeout: 30_000 }, (err) =>
          resolve(err ? Number((err as { code?: number }).code ?? -1) : 0),
        ),
      );
    const service = spawnNode('dist/main.js', [], serviceEnv, 120_000, app);
    let exited: number | string | null = null;
    void service.exited.then((c) => (exited = c));
    const res = await waitFor(
      'the compiled service to answer /healthz',
      async () => {
        if (exited !== null) throw new Error(`the service exited (${exited}):\n${service.output()}`);
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
      },
      60_000,
      200,
    );
    expect(res).toBe(200);
    expect(await probe()).toBe(0);
    service.proc.kill('SIGTERM');
    expect(await service.exited, service.output()).toBe(0);
    expect(await probe()).toBe(1);
    console.info(`image recipe: npm ci ${timings.npmCi} ms, build ${timings.build} ms, prune ${timings.prune} ms`);
  });
});
