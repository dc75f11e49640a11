import { now } from '../../clock.js';
import { withTransaction } from '../../db/pool.js';
import { recordOutcome } from '../../db/task-outcomes.js';
import { OUTCOME_NAMES, OUTCOMES, type Outcome } from '../../domain/task-outcomes.js';
import { type Command, emit, oneOf, str, UsageError } from '../command.js';

function taskId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`task id: "${raw}" is not a task number`);
  return id;
}

export const taskDoneCommand: Command = {
  name: 'task done',
  summary: 'close a task with the outcome of the contact; records the contact event (Работа)',
  usage: `task done <id> --outcome ${OUTCOME_NAMES.join('|')} [--note TEXT] [--next TEXT] [--json]`,
  options: { outcome: { type: 'string' }, note: { type: 'string' }, next: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [raw]) {
    const id = taskId(raw);
    const outcome = oneOf(values, 'outcome', OUTCOME_NAMES);
    if (!outcome) throw new UsageError(`--outcome is required (${OUTCOME_NAMES.join(', ')})`);
    const note = str(values, 'note')?.trim() || null;
    const next = str(values, 'next')?.trim() || null;
    const app = ctx.app();
    const res = await withTransaction(app.pool, (db) => recordOutcome(db, id, { outcome: outcome as Outcome, note, next }, now()));
    if (res.kind === 'not-found') {
      ctx.err(`task ${id} does not exist\n`);
      return 1;
    }
    if (res.kind === 'not-applicable') throw new UsageError(`--outcome: ${res.message}`);
    if (res.kind === 'conflict') {
      ctx.err(`${res.message}\n`);
      return 1;
    }
    emit(ctx, { task: res.task, eventId: res.eventId, changed: res.changed }, () =>
      res.changed
        ? `task ${id} done: ${OUTCOMES[outcome].title}${res.eventId ? `; contact event ${res.eventId} recorded` : ''}\n`
        : `task ${id} was already done with this outcome; nothing changed\n`,
    );
    return 0;
  },
};

export const taskShowCommand: Command = {
  name: 'task show',
  summary: "a task's full text: goal, questions, what was sent and clicked",
  usage: 'task show <id> [--json]',
  args: { min: 1, max: 1 },
  async run(ctx, _values, [raw]) {
    const id = taskId(raw);
    const { rows } = await ctx.app().pool.query('SELECT * FROM tasks WHERE id = $1', [id]);
    const t = rows[0];
    if (!t) {
      ctx.err(`task ${id} does not exist\n`);
      return 1;
    }
    const text = typeof t.payload?.text === 'string' ? t.payload.text : '';
    emit(ctx, t, () => `#${t.id} [${t.kind}, ${t.state}${t.outcome ? `: ${t.outcome}` : ''}] ${t.title}\n${text ? `\n${text}\n` : ''}`);
    return 0;
  },
};
