/**
 * A month's content folder as `admin content load` and the diary read it: `content.xlsx` (the
 * workbook of `admin content template`) or `content.json`, plus the PDF collections. When both
 * are there they must describe the same month (as `content/2024-06/` does). Problems come all
 * at once in a {@link ContentError}, each at its cell or `file:line:column`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { POSITION_TYPES, PROBLEM_AREAS } from '../domain/audiences.js';
import { ContentError, type ContentFile, contentHash, type LoadedContent, readAttachments, readContentDir } from './load.js';
import type { MonthContent } from './schema.js';
import { DEFAULT_CONTENT_XLSX_BYTES, parseWorkbook } from './workbook.js';

export const WORKBOOK = 'content.xlsx';

export interface FolderOptions {
  /** The month expected (`--period`); also fills an empty «Месяц» cell. */
  period?: string;
  /** What the workbook may unpack to (config `lpr.maxContentXlsxBytes`). */
  maxXlsxBytes?: number;
}

const shown = (path: string) => relative(process.cwd(), path) || path;

export async function readContentFolder(dir: string, opts: FolderOptions = {}): Promise<LoadedContent> {
  const xlsx = join(dir, WORKBOOK);
  const hasJson = existsSync(join(dir, 'content.json'));
  if (!existsSync(xlsx)) {
    if (!hasJson)
      throw new ContentError([`${shown(dir)}: нет ни ${WORKBOOK}, ни content.json (ожидается папка с одним из них и PDF-файлами)`]);
    const loaded = readContentDir(dir);
    checkPeriod(loaded.content.period, opts, shown(join(dir, 'content.json')));
    return loaded;
  }
  const folder = basename(dir.replace(/[\\/]+$/, ''));
  const folderPeriod = /^\d{4}-\d{2}$/.test(folder) ? folder : undefined;
  const file = shown(xlsx);
  const maxBytes = opts.maxXlsxBytes ?? DEFAULT_CONTENT_XLSX_BYTES;
  // A file larger than what it may unpack to is not read at all (a zip is never much larger than its contents).
  if (statSync(xlsx).size > maxBytes)
    throw new ContentError([
      `${file}: книга больше предела в ${Math.round(maxBytes / 1024 / 1024)} МБ (ожидается содержание письма на несколько листов текста)`,
    ]);
  const res = await parseWorkbook(file, readFileSync(xlsx), { period: opts.period ?? folderPeriod, maxBytes });
  if ('problems' in res) throw new ContentError(res.problems);
  const { content, places } = res;
  const problems: string[] = [];
  const at = places.get('period') ?? file;
  if (folderPeriod && folderPeriod !== content.period) problems.push(`${at}: «${content.period}» не совпадает с папкой «${folder}»`);
  if (opts.period && opts.period !== content.period)
    problems.push(`${at}: «${content.period}» не совпадает с выбранным месяцем ${opts.period}`);
  if (hasJson) {
    const json = readContentDir(dir);
    if (JSON.stringify(normalized(json.content)) !== JSON.stringify(normalized(content))) {
      problems.push(`${file}: описывает не то же содержание, что content.json в той же папке (оставьте один из них или согласуйте их)`);
    }
  }
  const files: ContentFile[] = [];
  problems.push(...readAttachments(dir, content, (i) => places.get(`collections.${i}.file`) ?? file, files, WORKBOOK));
  if (problems.length) throw new ContentError(problems);
  return { content, files, sha256: contentHash(content, files), source: dir };
}

/** The content with each audience in one order: a workbook lists them by column, JSON as written. */
function normalized(c: MonthContent): MonthContent {
  const order = <T extends string>(list: readonly T[], all: readonly T[]) => all.filter((x) => list.includes(x));
  return {
    ...c,
    topQuestions: c.topQuestions.map((q) => ({
      ...q,
      audiences: {
        positionTypes: order(q.audiences.positionTypes, POSITION_TYPES),
        problemAreas: order(q.audiences.problemAreas, PROBLEM_AREAS),
      },
    })),
  };
}

function checkPeriod(period: string, opts: FolderOptions, file: string): void {
  if (opts.period && opts.period !== period)
    throw new ContentError([`${file}: period: «${period}» не совпадает с выбранным месяцем ${opts.period}`]);
}
