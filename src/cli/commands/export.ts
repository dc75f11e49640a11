/** `export contact-events|tasks --from D --to D [--format tsv|xlsx] --out FILE`: churnguard's records for the CRM. */
import { EXPORT_KINDS, type ExportKind, exportForCrm } from '../../exports/crm.js';
import { dateOption } from '../../reports/options.js';
import { type Command, emit, oneOf, str, UsageError } from '../command.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the contact events or tasks recorded in churnguard for loading into the CRM (Windows-1251 TSV or xlsx)',
  usage: 'export contact-events|tasks --from 01.07.2024 --to 31.07.2024 [--format tsv|xlsx] --out FILE [--json]',
  options: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [kind]) {
    if (!EXPORT_KINDS.includes(kind as ExportKind))
      throw new UsageError(`unknown export "${kind}" (expected ${EXPORT_KINDS.join(' or ')})`);
    const from = dateOption(values, 'from');
    const to = dateOption(values, 'to');
    const out = str(values, 'out');
    if (!from) throw new UsageError('--from: missing (expected a date, e.g. 01.07.2024)');
    if (!to) throw new UsageError('--to: missing (expected a date, e.g. 31.07.2024)');
    if (to < from) throw new UsageError(`--to: ${to} is before --from ${from}`);
    if (!out) throw new UsageError('--out: missing (expected a file name)');
    const format = oneOf(values, 'format', ['tsv', 'xlsx'] as const, out.endsWith('.xlsx') ? 'xlsx' : 'tsv') ?? 'tsv';
    const rows = await exportForCrm(ctx.app(), { kind: kind as ExportKind, from, to, format, out });
    emit(
      ctx,
      { kind, from, to, format, out, rows },
      () => `${out}: ${rows} ${kind === 'tasks' ? 'tasks' : 'contact events'} written (${format})\n`,
    );
    return 0;
  },
};
