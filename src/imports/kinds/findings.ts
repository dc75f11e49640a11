/**
 * «Конкуренты» (competitor findings): Номер клиента · Конкурент · [Действует до] ·
 * [Контактное лицо] · [Комментарий] · [Выявил]. Each new finding is handed to field support in
 * the import's transaction, exactly as `finding add` does (alert e-mail, task, `competitor`
 * signal, the remote specialist's comparison task); a finding recorded before — by any path —
 * counts as unchanged and sets nothing off again. «Действует до» takes a month (`09.2024`,
 * `2024-09`, `сентябрь 2024`: through its last day) or a date.
 */
import type { FindingInsert } from '../../db/findings.js';
import type { PoolClient } from '../../db/pool.js';
import { recordFindingsIn } from '../../diagnostics/record-findings.js';
import { cleanCompetitor, parseValidUntil } from '../../domain/findings.js';
import type { ColumnSpec } from '../columns.js';
import { type ApplyContext, type ApplyResult, clientId, employeeId, type ImportKind, stageColumns, tableRows } from '../kind.js';
import { CellError, clean, optText, parseClientRef, personName } from '../values.js';

const COLUMNS: ColumnSpec[] = [
  { key: 'number', ru: 'Номер клиента', en: 'client number', aliases: ['Клиент'] },
  { key: 'competitor', ru: 'Конкурент', en: 'competitor', aliases: ['Система конкурента'] },
  { key: 'until', ru: 'Действует до', en: 'valid until', optional: true, aliases: ['Срок действия'] },
  { key: 'contact', ru: 'Контактное лицо', en: 'contact', optional: true },
  { key: 'note', ru: 'Комментарий', en: 'comment', optional: true, aliases: ['Комментарий к действию'] },
  { key: 'by', ru: 'Выявил', en: 'found by', optional: true, aliases: ['Сотрудник', 'Исполнитель'] },
];

function competitorName(raw: string): string {
  const s = cleanCompetitor(raw);
  if (!s) throw new CellError(`«${clean(raw)}» не называет систему (ожидалось, например, Охрана труда)`);
  if (s.length > 200) throw new CellError(`длина ${s.length} знаков (ожидалось не больше 200)`);
  return s;
}

function validUntil(raw: string): string {
  try {
    return parseValidUntil(clean(raw));
  } catch (err) {
    throw new CellError((err as Error).message);
  }
}

type StagedFinding = Pick<FindingInsert, 'client_id' | 'competitor' | 'valid_until' | 'contact_name' | 'note' | 'found_by'>;

async function applyFindings(db: PoolClient, ctx: ApplyContext): Promise<ApplyResult> {
  const { rows } = await db.query<StagedFinding>(
    'SELECT client_id, competitor, valid_until, contact_name, note, found_by FROM import_stage ORDER BY line',
  );
  const res = await recordFindingsIn(
    ctx.app,
    db,
    rows.map((r) => ({
      clientId: r.client_id,
      competitor: r.competitor,
      validUntil: r.valid_until,
      contactName: r.contact_name,
      note: r.note,
      foundBy: r.found_by,
      source: 'import' as const,
    })),
  );
  const inserted = res.findings.filter((f) => f.created).length;
  return {
    inserted,
    updated: 0,
    unchanged: ctx.staged - inserted,
    extra: { alerts: res.notificationIds.length },
    notificationIds: res.notificationIds,
  };
}

export const findingsKind: ImportKind = {
  kind: 'findings',
  title: 'Конкуренты',
  stage: stageColumns('line int, client_id bigint, competitor text, valid_until date, contact_name text, note text, found_by bigint'),
  *parse(rows, ctx) {
    yield* tableRows(rows, COLUMNS, ctx, (r) => {
      const ref = r.get('number', parseClientRef, true);
      const client = clientId(r, 'number', ctx, ref?.number);
      const competitor = r.get('competitor', competitorName, true);
      const until = r.get('until', validUntil) ?? null;
      const by = employeeId(r, 'by', ctx, r.get('by', clean));
      if (client === undefined || competitor === undefined) return undefined;
      return [r.line, client, competitor, until, r.get('contact', personName) ?? null, optText(r.raw('note')), by ?? null];
    });
  },
  apply: applyFindings,
};
