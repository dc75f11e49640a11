/**
 * `npm run bench -- waves [N]`: the monthly e-mail in daily waves for N decision makers (default
 * 50 000) of 500 specialists. Measures the wave computation itself (src/workload/waves.ts), and
 * whether waves slow the mailing: the lpr-monthly run and the sending of the first wave's
 * e-mails, next to the same mailing on demand without waves (every e-mail queued at once), in
 * the same run, to the SMTP sink in a separate process. Checks on the way that every decision
 * maker is in exactly one wave and no specialist's call day holds more calls than the places of
 * a day.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { now, setClock } from '../src/clock.js';
import { PROJECT_ROOT } from '../src/config.js';
import { readContentDir } from '../src/content/load.js';
import { saveContent } from '../src/db/contents.js';
import { withTransaction } from '../src/db/pool.js';
import { reservedPlaces } from '../src/domain/plan.js';
import type { WaveRecipient } from '../src/domain/waves.js';
import { LPR_KIND, lprMonthly } from '../src/jobs/lpr-monthly.js';
import { sendEmail } from '../src/jobs/send-email.js';
import { executeRun, JobWorkers } from '../src/queue/worker.js';
import { planMailingWaves } from '../src/workload/waves.js';
import { machine, timed, writeSection } from './lib.js';
import { CONCURRENCY, POOL, sendingBench } from './mailing.js';

const SPECIALISTS = 500;
const WARM_UP = 500;

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 50_000);
  const { sink, ctx } = await sendingBench();
  const { app } = ctx;
  const q = (sql: string, p: unknown[] = []) => app.pool.query(sql, p);
  try {
    setClock(new Date('2024-06-03T10:00:00+03:00'));
    await q(
      `INSERT INTO employees (name, role, email) SELECT 'Специалист ' || g, 'remote', 's' || g || '@ric502.example' FROM generate_series(1, $1) g`,
      [SPECIALISTS],
    );
    await q(
      `WITH c AS (
         INSERT INTO clients (number, name, category, monthly_fee, state, remote_specialist_id)
         SELECT 100000 + g, 'Клиент ' || g || ' ООО', 'B', 5000 + (g % 40) * 500, 'served', (SELECT min(id) FROM employees) + g % $2
           FROM generate_series(1, $1) g RETURNING id, number
       )
       INSERT INTO contacts (client_id, full_name, position, position_type, is_lpr, is_system_user, email, consent, problem_areas)
       SELECT id, 'Директоров Иван Петрович ' || number, 'Директор', 'manager', true, number % 3 = 0, 'lpr' || number || '@client.example',
              true, CASE WHEN number % 3 = 0 THEN ARRAY['tenders_courts'] ELSE '{}'::text[] END
         FROM c`,
      [n, SPECIALISTS],
    );
    // A fifth of the clients in the high zone: their e-mails go first.
    await q(
      `INSERT INTO risk_scores (client_id, week, week_end, indicator, zone, computed_at)
       SELECT id, '2024-W22', '2024-06-02', 0.4, 'high', now() FROM clients WHERE number % 5 = 0`,
    );
    const c = readContentDir(join(PROJECT_ROOT, 'content', '2024-06'));
    for (const period of ['2024-06', '2024-07', '2024-08', '2024-09']) {
      const loaded = { ...c, content: { ...c.content, period }, sha256: `${c.sha256}.${period}` };
      await withTransaction(app.pool, (db) => saveContent(db, LPR_KIND, loaded, now()));
    }
    process.stdout.write(`seeded ${n} decision makers of ${SPECIALISTS} specialists\n`);

    // 1. The wave computation alone, for July from its first working day.
    const julyStart = new Date('2024-07-01T10:00:00+03:00');
    const { rows: recipients } = await q(
      `SELECT k.id AS "contactId", c.remote_specialist_id AS "specialistId",
              CASE z.zone WHEN 'high' THEN 2 WHEN 'dynamic' THEN 1 ELSE 0 END AS "zoneRank", c.monthly_fee AS fee
         FROM contacts k JOIN clients c ON c.id = k.client_id LEFT JOIN risk_scores z ON z.client_id = c.id`,
    );
    const times: number[] = [];
    let waves = await planMailingWaves(app, app.pool, '2024-07', julyStart, recipients as WaveRecipient[]);
    for (let i = 0; i < 3; i++) {
      const r = await timed(() => planMailingWaves(app, app.pool, '2024-07', julyStart, recipients as WaveRecipient[]));
      times.push(r.ms);
      waves = r.value;
    }
    const waveMs = times.sort((a, b) => a - b)[1] as number;
    const places = app.config.workload.remote - reservedPlaces(app.config.workload.remote, app.config.workload.reserveShare);
    const calls = new Map<string, number>();
    for (const r of recipients as WaveRecipient[]) {
      const key = `${r.specialistId} ${waves.callDay(waves.day.get(r.contactId) as string)}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
    }
    const maxCalls = Math.max(...calls.values());
    const firstWave = [...waves.day.values()].filter((d) => d === '2024-07-01').length;
    const waveDays = new Set(waves.day.values()).size;
    if (waves.day.size !== n || maxCalls > places)
      throw new Error(`waves: ${waves.day.size} of ${n} placed, ${maxCalls} calls on a day (places ${places})`);

    const sentOf = async (period: string) =>
      (
        await q(
          `SELECT count(*)::int AS n FROM messages m JOIN mailings ml ON ml.id = m.mailing_id WHERE ml.period = $1 AND m.state = 'sent'`,
          [period],
        )
      ).rows[0].n as number;
    /** Time to send `count` more e-mails of the period; with `warmUp`, that many are sent first, untimed. */
    const sendNext = async (period: string, count: number, warmUp = 0) => {
      const workers = new JobWorkers(app, [sendEmail]);
      workers.start();
      const waitFor = async (n: number) => {
        while ((await sentOf(period)) < n) await new Promise((res) => setTimeout(res, 100));
      };
      await waitFor(warmUp);
      const from = await sentOf(period);
      const t = await timed(() => waitFor(from + count));
      await workers.close(10_000);
      // What is left in the queue is not this measurement's.
      await app.queues.get('send-email').drain(true);
      return t.ms;
    };

    // 2. Four months in the order plain, waves, waves, plain (so neither kind always runs on the
    // fuller database): on demand every e-mail is queued at once and, after a warm-up of WARM_UP
    // e-mails, the next `firstWave` are timed; as scheduled, in waves, the first wave goes now
    // (timed) and the others are delayed to their days.
    const rounds = [
      { period: '2024-06', start: '2024-06-03T10:00:00+03:00', waves: false },
      { period: '2024-07', start: '2024-07-01T10:00:00+03:00', waves: true },
      { period: '2024-08', start: '2024-08-01T10:00:00+03:00', waves: true },
      { period: '2024-09', start: '2024-09-02T10:00:00+03:00', waves: false },
    ];
    const results: {
      period: string;
      waves: boolean;
      runMs: number;
      sent: number;
      sendMs: number;
      delayed: number;
      days: number;
      people: number;
    }[] = [];
    for (const r of rounds) {
      setClock(new Date(r.start));
      const runT = await timed(() => executeRun(app, lprMonthly, { period: r.period, trigger: r.waves ? 'schedule' : 'admin' }));
      const { rows } = await q(
        `SELECT count(*) FILTER (WHERE coalesce(m.send_after, ml.send_after) <= $2)::int AS due, count(*)::int AS all,
                count(DISTINCT m.contact_id)::int AS people,
                count(DISTINCT (coalesce(m.send_after, ml.send_after) AT TIME ZONE 'Europe/Moscow')::date)::int AS days
           FROM messages m JOIN mailings ml ON ml.id = m.mailing_id WHERE ml.period = $1`,
        [r.period, now()],
      );
      const x = rows[0];
      const sent = r.waves ? x.due : firstWave;
      const sendMs = await sendNext(r.period, sent, r.waves ? 0 : WARM_UP);
      results.push({
        period: r.period,
        waves: r.waves,
        runMs: runT.ms,
        sent,
        sendMs,
        delayed: x.all - x.due,
        days: x.days,
        people: x.people,
      });
      process.stdout.write(`${JSON.stringify(results.at(-1))}\n`);
    }
    const rate = (count: number, ms: number) => (count * 1000) / ms;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const plainRuns = results.filter((r) => !r.waves);
    const wavedRuns = results.filter((r) => r.waves);
    const runRatio = mean(wavedRuns.map((r) => r.runMs)) / mean(plainRuns.map((r) => r.runMs));
    const sendRatio = mean(wavedRuns.map((r) => rate(r.sent, r.sendMs))) / mean(plainRuns.map((r) => rate(r.sent, r.sendMs)));
    const lines = [
      `${n.toLocaleString('en')} decision makers of ${SPECIALISTS} remote specialists (norm ${app.config.workload.remote}, ${places} places a day for calls), a fifth in the high zone; the sample month's e-mail to an SMTP sink in a separate process; send-email workers (concurrency ${CONCURRENCY}, pool ${POOL}) in this process. Four months in the order on demand, waves, waves, on demand. On demand every e-mail is queued at once and ${firstWave.toLocaleString('en')} are timed after ${WARM_UP} sent untimed; in waves the first wave is timed while the others wait in Redis, delayed to their days.`,
      '',
      `Wave computation alone: **${waveMs.toFixed(0)} ms** for ${n.toLocaleString('en')} recipients → ${waveDays} waves (median of 3).`,
      '',
      '| month | mailing | lpr-monthly run (selection, MJML, one transaction, enqueue) | e-mails timed | sending | messages/s |',
      '|---|---|---|---|---|---|',
      ...results.map(
        (r) =>
          `| ${r.period} | ${r.waves ? `in waves (${r.days} sending days; ${r.delayed.toLocaleString('en')} delayed)` : 'on demand, no waves'} | ${(r.runMs / 1000).toFixed(1)} s | ${r.sent.toLocaleString('en')} | ${(r.sendMs / 1000).toFixed(1)} s | ${Math.round(rate(r.sent, r.sendMs))} |`,
      ),
      '',
      `Ratios, waves / no waves (means of two each): run **${runRatio.toFixed(2)}**, sending rate **${sendRatio.toFixed(2)}**. Checked: ${wavedRuns[0]?.people.toLocaleString('en')} decision makers, one message each; at most ${maxCalls} calls of one specialist on one day (places ${places}). Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, load average ${loadavg()[0]?.toFixed(1)} at the end (other work on the machine varies between rows).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('waves', lines.join('\n'));
  } finally {
    setClock(null);
    sink.stop();
    await ctx.close();
  }
}
