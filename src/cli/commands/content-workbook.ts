/**
 * The month's content as a workbook: `content template` writes an empty `content.xlsx` for a
 * month (one sheet per section, notes on every column), `content export` writes a loaded month
 * back as `content.xlsx` plus its PDFs, so the next month starts from the last one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKBOOK } from '../../content/folder.js';
import { writeWorkbook } from '../../content/workbook.js';
import { getContent, getContentFiles } from '../../db/contents.js';
import { PeriodError, parsePeriod } from '../../domain/periods.js';
import { LPR_KIND } from '../../jobs/lpr-monthly.js';
import { type Command, emit, UsageError } from '../command.js';

/** A month argument; a bad one is a usage error naming it. */
export function monthArg(value: string, name: string): string {
  try {
    return parsePeriod('month', value);
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(`${name}: ${err.message}`);
    throw err;
  }
}

function outDir(values: Record<string, unknown>): string {
  const out = values.out;
  if (typeof out !== 'string' || out === '') throw new UsageError('нужен параметр --out (папка)');
  mkdirSync(out, { recursive: true });
  return out;
}

export const contentTemplateCommand: Command = {
  name: 'content template',
  summary: 'записать пустую книгу содержания письма месяца (ПАПКА/content.xlsx: лист на раздел, примечания к каждому столбцу)',
  usage: 'content template <YYYY-MM> --out DIR',
  options: { out: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [month]) {
    const period = monthArg(month as string, 'period');
    const dir = outDir(values);
    const path = join(dir, WORKBOOK);
    writeFileSync(path, await writeWorkbook(period, null));
    emit(
      ctx,
      { period, written: [path] },
      () => `записан ${path}\n  заполните его в Excel, положите рядом PDF-подборки, затем: admin content load ${dir}\n`,
    );
    return 0;
  },
};

export const contentExportCommand: Command = {
  name: 'content export',
  summary: 'выгрузить загруженный месяц обратно в ПАПКА/content.xlsx вместе с PDF-подборками',
  usage: 'content export <YYYY-MM> --out DIR',
  options: { out: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [month]) {
    const period = monthArg(month as string, 'period');
    const app = ctx.app();
    const stored = await getContent(app.pool, LPR_KIND, period);
    if (!stored) {
      ctx.err(`содержание письма за ${period} не загружено (загрузите: admin content load ПАПКА)\n`);
      return 1;
    }
    const dir = outDir(values);
    const written = [join(dir, WORKBOOK)];
    writeFileSync(written[0] as string, await writeWorkbook(period, stored.content));
    for (const f of await getContentFiles(app.pool, LPR_KIND, period)) {
      writeFileSync(join(dir, f.name), f.bytes);
      written.push(join(dir, f.name));
    }
    emit(ctx, { period, written }, () => `Содержание письма за ${period} записано:\n${written.map((w) => `  ${w}`).join('\n')}\n`);
    return 0;
  },
};
