/**
 * The staging table of one import: a temporary table dropped at commit, filled by
 * `COPY … FROM STDIN` while the file is still being read and validated, so a large export
 * costs one pass over the file and one set-based statement per target table.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from '../db/pool.js';
import type { StageColumn } from './kind.js';

export const STAGE_TABLE = 'import_stage';

/** Rows per write to the COPY stream: large enough to amortise, small enough to stream. */
const CHUNK_ROWS = 2000;

const SPECIAL = /[\\\t\n\r]/;

function escapeText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function arrayLiteral(a: readonly unknown[]): string {
  return `{${a.map((x) => `"${String(x).replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** One value in COPY's text format. */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return escapeText(arrayLiteral(v));
  return escapeText(String(v));
}

async function* chunks(tuples: Iterable<unknown[]>, counter: { rows: number }): AsyncGenerator<string> {
  let buf: string[] = [];
  for (const t of tuples) {
    buf.push(`${t.map(copyValue).join('\t')}\n`);
    counter.rows++;
    if (buf.length >= CHUNK_ROWS) {
      yield buf.join('');
      buf = [];
    }
  }
  if (buf.length) yield buf.join('');
}

/** Create the staging table and COPY the tuples into it; returns the number of rows staged. */
export async function stageRows(db: PoolClient, columns: readonly StageColumn[], tuples: Iterable<unknown[]>): Promise<number> {
  await db.query(`CREATE TEMP TABLE ${STAGE_TABLE} (${columns.map((c) => `${c.name} ${c.type}`).join(', ')}) ON COMMIT DROP`);
  const counter = { rows: 0 };
  const copy = db.query(copyFrom(`COPY ${STAGE_TABLE} (${columns.map((c) => c.name).join(', ')}) FROM STDIN`));
  // No ANALYZE: the planner sizes a never-analysed table by its pages, enough for the
  // joins of the apply step, and on a large export ANALYZE costs as much as a join.
  await pipeline(Readable.from(chunks(tuples, counter)), copy);
  return counter.rows;
}
