import { now } from '../../clock.js';
import {
  closeTask,
  isDiagnosticsOutcome,
  type OutcomeFinding,
  outcomeTitle,
  TASK_OUTCOME_NAMES,
  type TaskOutcome,
} from '../../diagnostics/close-task.js';
import { findingDetails } from '../../diagnostics/finding-input.js';
import { type ContactFrequency, ContactFrequencyError, describeFrequency, parseContactFrequency } from '../../domain/contact-frequency.js';
import { localDate } from '../../domain/dates.js';
import { taskKindName, taskStateName } from '../../domain/task-kinds.js';
import { storedOutcomeTitle } from '../../domain/task-outcomes.js';
import { FollowUpError, parseFollowUp } from '../../health/follow-up.js';
import { type Command, emit, oneOf, str, UsageError } from '../command.js';
import { describeFinding, FINDING_OPTIONS, findingUsageError } from './finding.js';

function taskId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`«${raw}» — не номер задачи`);
  return id;
}

export const taskDoneCommand: Command = {
  name: 'task done',
  summary: 'закрыть задачу с итогом: контакт записывает Работу, диагностика — выявленного конкурента',
  usage: `task done <id> --outcome ${TASK_OUTCOME_NAMES.join('|')} [--note TEXT] [--next TEXT] [--follow-up YYYY-MM-DD] [--frequency F] [--json]
task done <id> --outcome competitor-found --competitor NAME [--until YYYY-MM] [--contact NAME] [--note TEXT]
  no-competitor и competitor-found закрывают задачи диагностики конкурентов; competitor-found без --competitor
  берёт конкурента, записанного у клиента после постановки задачи.
  --frequency sets the contact's frequency: months (3) or e.g. "2 р в месяц", "раз в 2 недели", "еженедельно";
  a held contact of a contact called more often than monthly plans the next call by itself unless --follow-up.`,
  options: {
    outcome: { type: 'string' },
    next: { type: 'string' },
    'follow-up': { type: 'string' },
    frequency: { type: 'string' },
    ...FINDING_OPTIONS,
  },
  args: { min: 1, max: 1 },
  async run(ctx, values, [raw]) {
    const id = taskId(raw);
    const outcome = oneOf(values, 'outcome', TASK_OUTCOME_NAMES);
    if (!outcome) throw new UsageError(`нужен параметр --outcome (${TASK_OUTCOME_NAMES.join(', ')})`);
    const note = str(values, 'note')?.trim() || null;
    const next = str(values, 'next')?.trim() || null;
    const competitor = str(values, 'competitor');
    if (competitor === undefined && (str(values, 'until') ?? str(values, 'contact')) !== undefined)
      throw new UsageError('--until и --contact описывают выявленного конкурента: укажите с ними --competitor');
    if (competitor !== undefined && outcome !== 'competitor-found')
      throw new UsageError('--competitor указывается только с --outcome competitor-found');
    let finding: OutcomeFinding | null = null;
    if (competitor !== undefined) {
      try {
        finding = findingDetails({ competitor, until: str(values, 'until'), contact: str(values, 'contact'), note });
      } catch (err) {
        findingUsageError(err);
      }
    }
    const followRaw = str(values, 'follow-up');
    let followUp: string | null = null;
    if (followRaw !== undefined) {
      if (isDiagnosticsOutcome(outcome as TaskOutcome)) throw new UsageError('--follow-up указывается только с итогом контакта');
      try {
        followUp = parseFollowUp(followRaw, localDate(now(), ctx.config.ric.timeZone));
      } catch (err) {
        if (err instanceof FollowUpError) throw new UsageError(`--follow-up: ${err.message}`);
        throw err;
      }
    }
    const freqRaw = str(values, 'frequency');
    let frequency: ContactFrequency | null = null;
    if (freqRaw !== undefined) {
      if (isDiagnosticsOutcome(outcome as TaskOutcome)) throw new UsageError('--frequency указывается только с итогом контакта');
      try {
        frequency = parseContactFrequency(freqRaw);
      } catch (err) {
        if (err instanceof ContactFrequencyError) throw new UsageError(`--frequency: ${err.message}`);
        throw err;
      }
    }
    const res = await closeTask(ctx.app(), id, { outcome: outcome as TaskOutcome, note, next, finding, followUp, frequency });
    if (res.kind === 'not-found') {
      ctx.err(`задачи № ${id} нет\n`);
      return 1;
    }
    if (res.kind === 'incomplete') throw new UsageError(`${res.message}: укажите --competitor СИСТЕМА [--until ГГГГ-ММ] [--contact ИМЯ]`);
    if (res.kind === 'conflict') {
      ctx.err(`${res.message}\n`);
      return 1;
    }
    emit(
      ctx,
      {
        task: res.task,
        eventId: res.eventId,
        changed: res.changed,
        finding: res.finding ?? null,
        followUpTaskId: res.followUpTaskId ?? null,
      },
      () =>
        res.changed
          ? `задача № ${id} закрыта: ${outcomeTitle(outcome as TaskOutcome)}${res.eventId ? `; работа № ${res.eventId} записана` : ''}${
              frequency ? `; частота контакта: ${describeFrequency(frequency)}` : ''
            }${res.followUpTaskId ? `; звонок по договорённости — задача № ${res.followUpTaskId}${followUp ? ` на ${followUp}` : ''}` : ''}\n${res.finding ? describeFinding(res.finding, ctx.config.ric.timeZone) : ''}`
          : `задача № ${id} уже закрыта с этим итогом; ничего не изменено\n`,
    );
    return 0;
  },
};

export const taskShowCommand: Command = {
  name: 'task show',
  summary: 'полный текст задачи: цель, вопросы, что отправлено и по чему переходили',
  usage: 'task show <id> [--json]',
  args: { min: 1, max: 1 },
  async run(ctx, _values, [raw]) {
    const id = taskId(raw);
    const { rows } = await ctx.app().pool.query('SELECT * FROM tasks WHERE id = $1', [id]);
    const t = rows[0];
    if (!t) {
      ctx.err(`задачи № ${id} нет\n`);
      return 1;
    }
    const text = typeof t.payload?.text === 'string' ? t.payload.text : '';
    emit(
      ctx,
      t,
      () =>
        `Задача № ${t.id} · ${taskKindName(t.kind)} · ${taskStateName(t.state)}${t.outcome ? `: ${storedOutcomeTitle(t.outcome)}` : ''}\n${t.title}\n${text ? `\n${text}\n` : ''}`,
    );
    return 0;
  },
};
