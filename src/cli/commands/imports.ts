import { listImports } from '../../db/imports.js';
import { IMPORT_KINDS } from '../../imports/kind.js';
import { formatTable } from '../../reports/render.js';
import { type Command, emit, int, oneOf } from '../command.js';

export const importsCommand: Command = {
  name: 'imports',
  summary: 'past imports with their summaries',
  usage: 'imports [--kind K] [--limit N] [--json]',
  options: { kind: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx, values) {
    const kind = oneOf(values, 'kind', IMPORT_KINDS);
    const rows = await listImports(ctx.app().pool, { kind, limit: int(values, 'limit', { min: 1, max: 10000 }) ?? 50 });
    emit(
      ctx,
      rows,
      () =>
        `${formatTable(
          [
            { key: 'id', header: '№', type: 'int' },
            { key: 'kind', header: 'Вид' },
            { key: 'file_name', header: 'Файл' },
            { key: 'state', header: 'Состояние' },
            { key: 'rows_total', header: 'Строк', type: 'int' },
            { key: 'inserted', header: 'Добавлено', type: 'int' },
            { key: 'updated', header: 'Изменено', type: 'int' },
            { key: 'unchanged', header: 'Без изменений', type: 'int' },
            { key: 'finished_at', header: 'Окончание', type: 'datetime' },
            { key: 'about', header: 'Сводка / ошибка' },
          ],
          rows.map((r) => ({ ...r, about: r.state === 'failed' ? (r.error ?? '').split('\n')[0] : JSON.stringify(r.summary) })),
          ctx.config.ric.timeZone,
        )}\n`,
    );
    return 0;
  },
};
