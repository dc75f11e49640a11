/** One line about an import's outcome, as the admin script and the inbox job print it. */
import type { ImportOutcome } from './run.js';

export function describeOutcome(o: ImportOutcome): string {
  if (o.status === 'already') {
    const when = o.finishedAt ? ` at ${o.finishedAt.toISOString()}` : '';
    return `${o.file}: already imported (import #${o.importId}, ${o.earlierFile}${when}); nothing changed`;
  }
  const extra = Object.entries(o.summary)
    .filter(([k]) => ['deactivated', 'keyPersonChanges', 'replaced', 'departmentsCreated'].includes(k) && o.summary[k])
    .map(([k, v]) => `, ${k} ${v}`)
    .join('');
  const range = o.summary.from ? `, data ${o.summary.from} – ${o.summary.to}` : '';
  const w = o.warnings;
  const more = w.count - w.listed.length;
  const warnings = w.count
    ? `\nwarnings (${w.count}; these rows were imported, the values flagged):\n${[
        ...w.listed,
        ...(more > 0 ? [`… and ${more} more ${more === 1 ? 'warning' : 'warnings'} (${w.count} in all)`] : []),
      ].join('\n')}`
    : '';
  return `${o.file}: imported ${o.kind} (import #${o.importId}): ${o.rows} rows — ${o.inserted} inserted, ${o.updated} updated, ${o.unchanged} unchanged${extra}${range}${warnings}`;
}
