import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { renderXlsx } from '../../src/reports/render.js';
import type { Report } from '../../src/reports/types.js';
import { galleryReport } from '../fixtures/charts.js';

async function workbookOf(report: Report): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await renderXlsx(report, 'Europe/Moscow')) as unknown as ArrayBuffer);
  return wb;
}

function withTimes(): Report {
  const report = galleryReport();
  const s = report.sections[0] as Report['sections'][number];
  s.columns.push({ key: 'called', header: 'Звонок', type: 'datetime' });
  s.rows[0] = { ...s.rows[0], called: new Date('2024-06-03T06:30:00Z') };
  return report;
}

describe('Excel export read back with exceljs', () => {
  it('freezes the header row with the CRM column names in bold', async () => {
    const ws = (await workbookOf(galleryReport())).worksheets[0] as ExcelJS.Worksheet;
    expect(ws.name).toBe('Фиксация отклонений');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect((ws.getRow(1).values as unknown[]).slice(1, 5)).toEqual(['Номер клиента', 'Клиент', 'Категория', 'Абонентская плата']);
    expect(ws.getCell('A1').font?.bold).toBe(true);
  });

  it('formats scores as 0.00, fees in roubles, counts with thousands and dates as dd.mm.yyyy', async () => {
    const ws = (await workbookOf(withTimes())).worksheets[0] as ExcelJS.Worksheet;
    const col = (header: string) => (ws.getRow(1).values as unknown[]).indexOf(header);
    const score = ws.getCell(2, col('Индикатор'));
    expect(score.value).toBe(0.3);
    expect(score.numFmt).toBe('0.00');
    const fee = ws.getCell(2, col('Абонентская плата'));
    expect(fee.value).toBe(12000);
    expect(fee.numFmt).toBe('#,##0.00 "₽"');
    expect(ws.getCell(2, col('Номер клиента')).numFmt).toBe('#,##0');
    const date = ws.getCell(2, col('Дата расчёта'));
    expect(date.numFmt).toBe('dd.mm.yyyy');
    expect((date.value as Date).toISOString()).toBe('2024-06-03T00:00:00.000Z');
  });

  it('writes times as the RIC wall clock, since Excel has no time zones', async () => {
    const ws = (await workbookOf(withTimes())).worksheets[0] as ExcelJS.Worksheet;
    const cell = ws.getCell(2, (ws.getRow(1).values as unknown[]).indexOf('Звонок'));
    expect(cell.numFmt).toBe('dd.mm.yyyy hh:mm:ss');
    // 06:30 UTC is 09:30 in Moscow: the cell reads 03.06.2024 09:30:00
    expect((cell.value as Date).toISOString()).toBe('2024-06-03T09:30:00.000Z');
  });

  it('puts the totals row last, in bold, with the column number formats', async () => {
    const ws = (await workbookOf(galleryReport())).worksheets[0] as ExcelJS.Worksheet;
    expect(ws.rowCount).toBe(14); // header, 12 rows, totals
    const totals = ws.getRow(14);
    expect(totals.getCell(1).value).toBe('Итого: (12)');
    expect(totals.getCell(1).font?.bold).toBe(true);
    expect(totals.getCell(4).value).toBeCloseTo(247983, 2);
    expect(totals.getCell(4).font?.bold).toBe(true);
    expect(totals.getCell(4).numFmt).toBe('#,##0.00 "₽"');
    expect(ws.getRow(13).getCell(1).font?.bold).toBeFalsy();
  });

  it('sizes every column wider than its header and its longest value', async () => {
    const report = galleryReport();
    const ws = (await workbookOf(report)).worksheets[0] as ExcelJS.Worksheet;
    const s = report.sections[0] as Report['sections'][number];
    s.columns.forEach((c, i) => {
      const width = ws.getColumn(i + 1).width as number;
      expect(width, c.header).toBeGreaterThan(c.header.length);
    });
    // the fee column fits "247 983,00 ₽"
    expect(ws.getColumn(4).width as number).toBeGreaterThanOrEqual('247 983,00 ₽'.length);
    // a very long name is capped, not a 90-character column
    expect(ws.getColumn(2).width).toBe(60);
  });

  it('makes one sheet per section with distinct names', async () => {
    const report = galleryReport();
    const first = report.sections[0] as Report['sections'][number];
    report.sections = [
      { ...first, title: 'Клиенты' },
      { ...first, title: 'Клиенты' },
    ];
    const wb = await workbookOf(report);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Клиенты', 'Клиенты 2']);
    for (const ws of wb.worksheets) expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });
});
