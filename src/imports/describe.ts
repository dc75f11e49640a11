/** One line about an import's outcome, as the admin script and the inbox job print it (in Russian). */
import { ruDateTime } from '../domain/formats.js';
import { moreLine } from './errors.js';
import { getImportKind, isImportKind } from './registry.js';
import type { ImportOutcome } from './run.js';

/** The summary's extra counts worth a line, by their Russian label. */
const EXTRA: Readonly<Record<string, string>> = {
  deactivated: 'выбыло',
  keyPersonChanges: 'смен ключевых лиц',
  replaced: 'заменено',
  departmentsCreated: 'создано подразделений',
};

export function describeOutcome(o: ImportOutcome): string {
  if (o.status === 'already') {
    const when = o.finishedAt ? ` ${ruDateTime(o.finishedAt)}` : '';
    return `${o.file}: уже загружен (загрузка № ${o.importId}, ${o.earlierFile}${when}); ничего не изменено`;
  }
  const extra = Object.entries(o.summary)
    .filter(([k]) => k in EXTRA && o.summary[k])
    .map(([k, v]) => `, ${EXTRA[k]} ${v}`)
    .join('');
  const range = o.summary.from ? `, данные с ${o.summary.from} по ${o.summary.to}` : '';
  const w = o.warnings;
  const more = w.count - w.listed.length;
  const warnings = w.count
    ? `\nпредупреждения (${w.count}; эти строки загружены, значения отмечены):\n${[...w.listed, ...(more > 0 ? [moreLine(more, w.count, 'warning')] : [])].join('\n')}`
    : '';
  const title = isImportKind(o.kind) ? `«${getImportKind(o.kind).title}»` : o.kind;
  return `${o.file}: загружено ${title} (загрузка № ${o.importId}): строк ${o.rows} — добавлено ${o.inserted}, изменено ${o.updated}, без изменений ${o.unchanged}${extra}${range}${warnings}`;
}
