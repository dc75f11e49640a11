import { escapeLines, escapeUnprintable } from '../../domain/clean-text.js';
import { COVERED_SOURCES } from '../../domain/coverage.js';
import { weekOption } from '../../domain/options.js';
import { count } from '../../domain/ru.js';
import { dmy } from '../../domain/ru-dates.js';
import { afterImport } from '../../imports/after-import.js';
import { describeOutcome } from '../../imports/describe.js';
import { ImportFailed } from '../../imports/errors.js';
import { IMPORT_KINDS } from '../../imports/kind.js';
import { isImportKind } from '../../imports/registry.js';
import { importFile } from '../../imports/run.js';
import { dateOption } from '../../reports/options.js';
import { type Command, emit, UsageError } from '../command.js';

export const importCommand: Command = {
  name: 'import',
  summary: 'загрузить выгрузку КИС (целиком или ничего; тот же файл второй раз ничего не меняет)',
  usage: `import <kind> <file> [--week 2024-W27] [--from D [--to D]] [--json]\n  виды: ${IMPORT_KINDS.join(', ')}\n  --week: неделя отчёта deviations, если в его блоке настроек её нет\n  --from, --to: период, который охватывает выгрузка событий (${COVERED_SOURCES.join(', ')}); без --to — по сегодня`,
  options: { week: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  args: { min: 2, max: 2 },
  async run(ctx, values, [kind, file]) {
    if (!kind || !isImportKind(kind)) throw new UsageError(`неизвестный вид выгрузки «${kind}» (виды: ${IMPORT_KINDS.join(', ')})`);
    const week = weekOption(values) ?? undefined;
    if (week && kind !== 'deviations') throw new UsageError('--week: неделю указывают только для отчёта deviations');
    const from = dateOption(values, 'from');
    const to = dateOption(values, 'to');
    if ((from || to) && !(COVERED_SOURCES as readonly string[]).includes(kind)) {
      throw new UsageError(`--from, --to: период указывают только для выгрузок событий (${COVERED_SOURCES.join(', ')})`);
    }
    if (to && !from) throw new UsageError('--to: нужен и --from (ожидается --from ДАТА [--to ДАТА])');
    if (from && to && to < from) throw new UsageError(`--to: ${dmy(to)} раньше --from ${dmy(from)}`);
    const app = ctx.app();
    try {
      const outcome = await importFile(app, {
        kind,
        path: file as string,
        ...(week ? { week } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      });
      await afterImport(app, outcome);
      emit(ctx, outcome, () => `${escapeLines(describeOutcome(outcome))}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof ImportFailed)) throw err;
      if (ctx.json)
        ctx.out(
          `${JSON.stringify({ status: 'failed', importId: err.importId, errors: err.errors.count, listed: err.errors.listed }, null, 2)}\n`,
        );
      ctx.err(
        `${escapeLines(err.message)}
${escapeUnprintable(String(file))}: не загружен, ничего не изменено (${count(err.errors.count, ['ошибка', 'ошибки', 'ошибок'])})
`,
      );
      return 1;
    }
  },
};
