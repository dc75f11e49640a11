/**
 * `finding add --client N --competitor NAME [--until YYYY-MM] [--contact NAME] [--note TEXT]
 * [--by NAME]`: record a competitor found at a client. A new finding goes to the client's field
 * (ТС) specialist at once (alert e-mail, task, `competitor` signal) and gives the remote
 * specialist a comparison-event task; the same finding again changes nothing.
 */
import { type FindingField, FindingFieldError, resolveFinding } from '../../diagnostics/finding-input.js';
import { type RecordedFinding, recordFindings } from '../../diagnostics/record-findings.js';
import { validUntilText } from '../../domain/findings.js';
import { ruDateTime } from '../../domain/formats.js';
import { quoted } from '../../domain/ru.js';
import { type Command, emit, type OptionsConfig, str, UsageError, type Values } from '../command.js';

/** The options naming a finding's details (shared with `task done --outcome competitor-found`). */
export const FINDING_OPTIONS: OptionsConfig = {
  competitor: { type: 'string' },
  until: { type: 'string' },
  contact: { type: 'string' },
  note: { type: 'string' },
};

const OPTION_OF: Record<FindingField, string> = {
  client: '--client',
  competitor: '--competitor',
  until: '--until',
  contact: '--contact',
  note: '--note',
  foundBy: '--by',
};

/** A {@link FindingFieldError} as a usage error naming the option. */
export function findingUsageError(err: unknown): never {
  if (err instanceof FindingFieldError) throw new UsageError(`${OPTION_OF[err.field]}: ${err.message}`);
  throw err;
}

/** One line on what happened to a finding. */
export function describeFinding(r: RecordedFinding, tz: string): string {
  const f = r.finding;
  const what = `${quoted(f.competitor)} ${validUntilText(f.valid_until)}`;
  if (!r.created) return `находка № ${f.id} (${what}) уже записана ${ruDateTime(f.found_at, tz)}; ничего не изменено\n`;
  const alert = r.alert
    ? `письмо ${r.alert.role === 'field' ? 'специалисту ТС' : 'руководителю подразделения'} <${r.alert.email}> (сигнал № ${r.signalId}, задача № ${r.fieldTaskId})`
    : `письма нет: некому адресовать (сигнал № ${r.signalId})`;
  const comparison = r.comparisonTaskId ? `; задача сравнения № ${r.comparisonTaskId} специалисту ДИС` : '';
  return `находка № ${f.id} записана: ${what}; ${alert}${comparison}\n`;
}

export const findingAddCommand: Command = {
  name: 'finding add',
  summary: 'записать систему конкурента, выявленную у клиента: письмо и задача специалисту ТС, задача на сравнение',
  usage: 'finding add --client N --competitor NAME [--until YYYY-MM] [--contact NAME] [--note TEXT] [--by EMPLOYEE] [--json]',
  options: { client: { type: 'string' }, by: { type: 'string' }, ...FINDING_OPTIONS },
  async run(ctx, values: Values) {
    const client = str(values, 'client');
    if (!client) throw new UsageError('нужен параметр --client (номер клиента, например 193254)');
    if (str(values, 'competitor') === undefined)
      throw new UsageError('нужен параметр --competitor (система конкурента, например «Охрана труда»)');
    const app = ctx.app();
    const input = await resolveFinding(
      app.pool,
      {
        client,
        competitor: str(values, 'competitor') as string,
        until: str(values, 'until'),
        contact: str(values, 'contact'),
        note: str(values, 'note'),
        foundBy: str(values, 'by'),
      },
      'admin',
    ).catch(findingUsageError);
    const res = await recordFindings(app, [input]);
    const r = res.findings[0] as RecordedFinding;
    emit(
      ctx,
      {
        finding: r.finding,
        created: r.created,
        signalId: r.signalId,
        fieldTaskId: r.fieldTaskId,
        comparisonTaskId: r.comparisonTaskId,
        alert: r.alert,
      },
      () => describeFinding(r, ctx.config.ric.timeZone),
    );
    return 0;
  },
};
