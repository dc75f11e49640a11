/** `export contact-events|tasks --from D --to D [--format tsv|xlsx] --out FILE`: churnguard's records for the CRM. */

import { count } from '../../domain/ru.js';
import { dmy } from '../../domain/ru-dates.js';
import { EXPORT_KINDS, type ExportKind, exportForCrm } from '../../exports/crm.js';
import { dateOption } from '../../reports/options.js';
import { type Command, emit, oneOf, str, UsageError } from '../command.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'выгрузить контакты или задачи, записанные в churnguard, для загрузки в КИС (TSV в Windows-1251 или xlsx)',
  usage: 'export contact-events|tasks --from 01.07.2024 --to 31.07.2024 [--format tsv|xlsx] --out FILE [--json]',
  options: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [kind]) {
    if (!EXPORT_KINDS.includes(kind as ExportKind))
      throw new UsageError(`неизвестная выгрузка «${kind}» (ожидается ${EXPORT_KINDS.join(' или ')})`);
    const from = dateOption(values, 'from');
    const to = dateOption(values, 'to');
    const out = str(values, 'out');
    if (!from) throw new UsageError('нужен параметр --from (дата, например 01.07.2024)');
    if (!to) throw new UsageError('нужен параметр --to (дата, например 31.07.2024)');
    if (to < from) throw new UsageError(`--to: ${dmy(to)} раньше --from ${dmy(from)}`);
    if (!out) throw new UsageError('нужен параметр --out (имя файла)');
    const format = oneOf(values, 'format', ['tsv', 'xlsx'] as const, out.endsWith('.xlsx') ? 'xlsx' : 'tsv') ?? 'tsv';
    const rows = await exportForCrm(ctx.app(), { kind: kind as ExportKind, from, to, format, out });
    emit(
      ctx,
      { kind, from, to, format, out, rows },
      () =>
        `${out}: записано ${count(rows, kind === 'tasks' ? ['задача', 'задачи', 'задач'] : ['контакт', 'контакта', 'контактов'])} (${format})\n`,
    );
    return 0;
  },
};
