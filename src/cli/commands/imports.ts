import { listImports } from '../../db/imports.js';
import { count } from '../../domain/ru.js';
import { dmy } from '../../domain/ru-dates.js';
import { IMPORT_KINDS } from '../../imports/kind.js';
import { getImportKind, isImportKind } from '../../imports/registry.js';
import { formatTable } from '../../reports/render.js';
import { type Command, emit, int, oneOf } from '../command.js';

const IMPORT_STATES: Readonly<Record<string, string>> = { done: 'загружено', failed: 'ошибка' };

const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** An import's summary for people: the span its data cover and its warnings (`--json` gives it whole). */
export function describeSummary(s: Record<string, unknown>): string {
  const parts: string[] = [];
  const [from, to] = isDate(s.declaredFrom) ? [s.declaredFrom, s.declaredTo] : [s.from, s.to];
  if (isDate(from) && isDate(to)) parts.push(`данные ${from === to ? `за ${dmy(from)}` : `с ${dmy(from)} по ${dmy(to)}`}`);
  const w = s.warnings as { count?: unknown } | undefined;
  const warnings = typeof w?.count === 'number' ? w.count : 0;
  parts.push(warnings ? count(warnings, ['предупреждение', 'предупреждения', 'предупреждений']) : 'без предупреждений');
  return parts.join('; ');
}

export const importsCommand: Command = {
  name: 'imports',
  summary: 'прошедшие загрузки с их итогами',
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
          rows.map((r) => ({
            ...r,
            // The kind's code in brackets: what `--kind` and `admin import <kind>` take.
            kind: `${isImportKind(r.kind) ? getImportKind(r.kind).title : r.kind} (${r.kind})`,
            state: IMPORT_STATES[r.state] ?? r.state,
            about: r.state === 'failed' ? (r.error ?? '').split('\n')[0] : describeSummary(r.summary),
          })),
          ctx.config.ric.timeZone,
        )}\n`,
    );
    return 0;
  },
};
