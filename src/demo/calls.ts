/**
 * Demo: stage 2 of the monthly contact. The clock moves forward to 09:00 of the working day the
 * call tasks fall due (`lpr.callAfterWorkingDays` after the e-mail, Russian production calendar),
 * `lpr-call-tasks` runs through the queue — the tasks now carry what people clicked — and one
 * remote specialist records three outcomes through the same code as `admin task done` and the
 * diary's form (`closeTask`).
 */
import { now, setClock } from '../clock.js';
import { closeTask } from '../diagnostics/close-task.js';
import { localDate, zonedTime } from '../domain/dates.js';
import { type Outcome, outcomeDef } from '../domain/task-outcomes.js';
import { lprCallTasks } from '../jobs/lpr-call-tasks.js';
import { runQueued } from './mailing.js';
import type { DemoStep } from './types.js';

/** The outcomes the demo records, as a specialist would after three calls. */
const CALLS: { outcome: Outcome; note: string; next: string | null }[] = [
  {
    outcome: 'held-with-login',
    note: 'письмо получила, ссылки открываются; вместе зашли в систему и нашли статью о проверках ГИТ',
    next: 'подборку по охране труда к проверке ГИТ',
  },
  {
    outcome: 'held',
    note: 'письмо получил, информация актуальна; просит присылать обзоры для руководителя',
    next: 'обзор изменений по НДС',
  },
  { outcome: 'not-reached', note: 'не дозвонилась, секретарь просит перезвонить в пятницу', next: null },
];

/** The facts this step leaves for the summary and for `--serve`. */
export interface CallsFacts {
  day: string;
  callTasks: number;
  verifyAddressTasks: number;
  /** The specialist who recorded the outcomes. */
  specialistId: number | null;
  specialist: string | null;
  recorded: { taskId: number; outcome: Outcome; client: string }[];
}

export const callsStep: DemoStep = {
  title: 'Call tasks a few working days after the e-mail, and three recorded outcomes',
  async run({ app, say, facts }) {
    const tz = app.config.ric.timeZone;
    const n = app.config.lpr.callAfterWorkingDays;
    const from = localDate(now(), tz);
    const day = app.calendar.addWorkingDays(from, n);
    setClock(zonedTime(day, 9, 0, tz));
    say(`  the clock moves ${n} working days on, from ${from} to ${day} 09:00`);
    const made = await runQueued(app, lprCallTasks, day);
    say(`  lpr-call-tasks ${day}: ${made.callTasks} call task(s), ${made.verifyAddressTasks} "verify the address" task(s)`);
    // The specialist whose calls show most people's clicks records three: one call whose person
    // clicked, two others (the rest of the clicked ones stay open for the diary to show).
    const { rows: open } = await app.pool.query<{ id: number; assignee_id: number; name: string; client: string; clicks: number }>(
      `WITH mine AS (
         SELECT t.assignee_id, count(*) FILTER (WHERE jsonb_array_length(t.payload->'humanClicks') > 0) AS clicked
           FROM tasks t WHERE t.kind = 'lpr-call' AND t.state = 'open' AND t.assignee_id IS NOT NULL GROUP BY t.assignee_id
          ORDER BY 2 DESC, 1 LIMIT 1)
       SELECT t.id, t.assignee_id, e.name, lpad(c.number::text, 6, '0') || ' - ' || c.name AS client,
              coalesce(jsonb_array_length(t.payload->'humanClicks'), 0)::int AS clicks
         FROM tasks t JOIN mine ON mine.assignee_id = t.assignee_id JOIN employees e ON e.id = t.assignee_id
         JOIN clients c ON c.id = t.client_id
        WHERE t.kind = 'lpr-call' AND t.state = 'open'
        ORDER BY t.id`,
    );
    const first = open.find((t) => t.clicks > 0) ?? open[0];
    const picked = first ? [first, ...open.filter((t) => t !== first && t.clicks === 0)].slice(0, CALLS.length) : [];
    if (first) {
      const { rows } = await app.pool.query<{ text: string }>(`SELECT payload->>'text' AS text FROM tasks WHERE id = $1`, [first.id]);
      say(`  call task #${first.id} for ${first.name}:\n${(rows[0]?.text ?? '').replace(/^/gm, '    ')}`);
    }
    const recorded: CallsFacts['recorded'] = [];
    for (const [i, p] of picked.entries()) {
      const call = CALLS[i] as (typeof CALLS)[number];
      const res = await closeTask(app, p.id, { outcome: call.outcome, note: call.note, next: call.next });
      if (res.kind !== 'done') throw new Error(`demo: task ${p.id} was not closed (${res.kind})`);
      recorded.push({ taskId: p.id, outcome: call.outcome, client: p.client });
      say(
        `  ${p.name} closed #${p.id} (${p.client}): ${outcomeDef(call.outcome).title}${res.eventId ? `, contact event ${res.eventId}` : ''}`,
      );
    }
    const calls: CallsFacts = {
      day,
      callTasks: Number(made.callTasks ?? 0),
      verifyAddressTasks: Number(made.verifyAddressTasks ?? 0),
      specialistId: picked[0]?.assignee_id ?? null,
      specialist: picked[0]?.name ?? null,
      recorded,
    };
    facts.calls = calls;
  },
};
