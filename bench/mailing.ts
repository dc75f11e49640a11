/**
 * `npm run bench -- mailing [N]`: the monthly decision-maker mailing to N recipients (default
 * 50 000), from selection to an SMTP sink running in a separate process — lpr-monthly's run
 * (selection, MJML once per variant, one transaction, bulk enqueue) and send-email workers in
 * this process — next to a plain pooled nodemailer loop sending the same e-mails to the same
 * sink in the same run. Reports messages per second, the ratio, and this process's peak RSS.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { now } from '../src/clock.js';
import { PROJECT_ROOT } from '../src/config.js';
import { readContentDir } from '../src/content/load.js';
import { saveContent } from '../src/db/contents.js';
import { withTransaction } from '../src/db/pool.js';
import { LPR_KIND, lprMonthly } from '../src/jobs/lpr-monthly.js';
import { sendEmail } from '../src/jobs/send-email.js';
import { mailingAssets, messageMail } from '../src/mail/mailing.js';
import { executeRun, JobWorkers } from '../src/queue/worker.js';
import { startSinkProcess } from '../src/sim/sink-process.js';
import { benchContext, machine, timed, writeSection } from './lib.js';

/** Send jobs processed at once by one worker process, and in flight in the baseline loop. */
export const CONCURRENCY = 64;
export const POOL = 10;

/** The SMTP sink in a process of its own, keeping nothing (src/sim/sink-process.ts). */
export const startSink = () => startSinkProcess(null);

async function seed(pool: import('pg').Pool, n: number): Promise<void> {
  const { rows } = await pool.query(
    `INSERT INTO employees (name, role, email, phone) VALUES ('Савостина К.А.', 'remote', 'savostina@ric502.example', '8-904-086-44-84') RETURNING id`,
  );
  await pool.query(
    `WITH c AS (
       INSERT INTO clients (number, name, category, monthly_fee, state, remote_specialist_id)
       SELECT 100000 + g, 'Клиент ' || g || ' ООО', 'B', 12000, 'served', $2 FROM generate_series(1, $1) g RETURNING id, number
     )
     INSERT INTO contacts (client_id, full_name, position, position_type, is_lpr, is_system_user, email, consent, problem_areas)
     SELECT id, 'Директоров Иван Петрович ' || number, 'Директор', (ARRAY['manager','accountant','lawyer','economist'])[1 + number % 4],
            true, number % 3 = 0, 'lpr' || number || '@client.example', true,
            CASE number % 3 WHEN 0 THEN ARRAY['проверки'] WHEN 1 THEN ARRAY['торги'] ELSE ARRAY['контрагенты'] END
       FROM c`,
    [n, rows[0].id],
  );
  const content = readContentDir(join(PROJECT_ROOT, 'content', '2024-06'));
  await withTransaction(pool, (db) => saveContent(db, LPR_KIND, content, now()));
}

/**
 * The sink and a bench world sending to it: the global rate limit far above what the machine can
 * do (the bench measures the pipeline), `CONCURRENCY` send jobs at once over `POOL` connections.
 */
export async function sendingBench(): Promise<{
  sink: Awaited<ReturnType<typeof startSink>>;
  ctx: Awaited<ReturnType<typeof benchContext>>;
}> {
  const sink = await startSink();
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ smtp: { ratePerMinute: 100_000_000, poolSize: POOL }, queues: { concurrency: { 'send-email': CONCURRENCY } } }),
  );
  return { sink, ctx: await benchContext({ SMTP_URL: sink.url, CONFIG_FILE: configFile, VAR_DIR: dir }) };
}

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 50_000);
  const { sink, ctx } = await sendingBench();
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  try {
    const { app } = ctx;
    await seed(app.pool, n);
    process.stdout.write(`seeded ${n} decision makers\n`);
    const workers = new JobWorkers(app, [sendEmail]);
    workers.start();
    let runMs = 0;
    const pipeline = await timed(async () => {
      const r = await timed(() => executeRun(app, lprMonthly, { period: '2024-06', trigger: 'admin' }));
      runMs = r.ms;
      for (;;) {
        const { rows } = await app.pool.query(`SELECT count(*)::int AS n FROM messages WHERE state IN ('queued', 'sending', 'retry')`);
        if (rows[0].n === 0) break;
        await new Promise((res) => setTimeout(res, 200));
      }
    });
    await workers.close(10_000);
    clearInterval(sampler);
    const { rows: states } = await app.pool.query(`SELECT state, count(*)::int AS n FROM messages GROUP BY state`);
    const sent = states.find((s) => s.state === 'sent')?.n ?? 0;
    process.stdout.write(`pipeline: ${sent} sent in ${(pipeline.ms / 1000).toFixed(1)} s (${JSON.stringify(states)})\n`);

    // The same e-mail, written once, sent by a plain pooled nodemailer loop with as many in flight.
    const { rows: msgs } = await app.pool.query(
      `SELECT m.id, m.mailing_id, m.variant, m.to_email, k.full_name, c.name AS client_name,
              'Савостина К.А.' AS specialist_name, NULL AS specialist_phone, NULL AS specialist_email
         FROM messages m JOIN contacts k ON k.id = m.contact_id JOIN clients c ON c.id = m.client_id ORDER BY m.id LIMIT 1`,
    );
    const assets = await mailingAssets(app, msgs[0].mailing_id);
    const mail = messageMail(app.config, assets, msgs[0], now());
    const transport = nodemailer.createTransport({ pool: true, maxConnections: POOL, maxMessages: 1000, url: sink.url } as never);
    const baseline = await timed(async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < sent) {
            const to = `lpr${next++}@client.example`;
            await transport.sendMail({ ...mail, to, envelope: { from: 'bounce@bounce.ric502.example', to: [to] } } as never);
          }
        }),
      );
    });
    transport.close();
    const rate = (sent * 1000) / pipeline.ms;
    const baseRate = (sent * 1000) / baseline.ms;
    const lines = [
      `${n} decision makers, the sample month (content/2024-06: ${Object.keys(assets.mailing.variants).length} variants, two PDF collections, ~${Math.round(
        String(mail.html).length / 1024,
      )} KiB of HTML per e-mail), to an SMTP sink in a separate process. Pipeline = lpr-monthly run (selection, MJML, one transaction, bulk enqueue: ${(runMs / 1000).toFixed(1)} s) and send-email workers (concurrency ${CONCURRENCY}, pool ${POOL}) in one process, until every message is sent; baseline = a pooled nodemailer loop (${CONCURRENCY} in flight, pool ${POOL}) sending the same e-mails.`,
      '',
      '| what | messages | seconds | messages/s |',
      '|---|---|---|---|',
      `| plain pooled nodemailer loop (baseline) | ${sent} | ${(baseline.ms / 1000).toFixed(1)} | ${Math.round(baseRate)} |`,
      `| whole pipeline, selection to sink | ${sent} | ${(pipeline.ms / 1000).toFixed(1)} | ${Math.round(rate)} |`,
      '',
      `Ratio (pipeline / baseline): **${(rate / baseRate).toFixed(2)}** (target ≥ 0.7). Peak RSS of the pipeline process: ${Math.round(peakRss / 2 ** 20)} MiB. Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, load average ${loadavg()[0]?.toFixed(1)} at the end (other work on the machine slows both rows alike).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('mailing', lines.join('\n'));
  } finally {
    clearInterval(sampler);
    sink.stop();
    await ctx.close();
  }
}
