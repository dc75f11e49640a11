import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText, detectDelimiter, tokenize } from '../../src/imports/text.js';
import {
  CellError,
  parseClientRef,
  parseCount,
  parseDate,
  parseDateTime,
  parseEmail,
  parseMonth,
  parseNumber,
  parseYesNo,
  personName,
} from '../../src/imports/values.js';

describe('Russian number, date and yes/no formats', () => {
  it('reads numbers with comma decimals and regular or non-breaking group spaces', () => {
    expect(parseNumber('0,50')).toBe(0.5);
    expect(parseNumber('15 000,00')).toBe(15000);
    expect(parseNumber('15\u00a0000,00')).toBe(15000);
    expect(parseNumber('15\u202f000')).toBe(15000);
    expect(parseNumber('1 234 567,89')).toBe(1234567.89);
    expect(parseNumber('15000.5')).toBe(15000.5);
    expect(() => parseNumber('15 OOO')).toThrow(/«15 OOO» — не число \(ожидалось, например, 15000, 15 000,00 или 0,50\)/);
    expect(() => parseNumber('15 00,00')).toThrow(CellError);
    expect(parseCount('8,00')).toBe(8);
    expect(() => parseCount('0,50')).toThrow(/не целое неотрицательное число/);
  });

  it('reads dd.mm.yyyy, dd.mm.yyyy hh:mm:ss and ISO dates', () => {
    expect(parseDate('03.06.2024')).toBe('2024-06-03');
    expect(parseDate('31.07.2024 22:13:59')).toBe('2024-07-31');
    expect(parseDate('2024-06-03')).toBe('2024-06-03');
    expect(parseDate('2024-06-03T10:00:00+03:00')).toBe('2024-06-03');
    expect(() => parseDate('31.02.2024')).toThrow(/такой даты нет в календаре/);
    expect(() => parseDate('June 3')).toThrow(/ожидалось дд\.мм\.гггг/);
    expect(parseDateTime('08.08.2024 8:00:00', 'Europe/Moscow').toISOString()).toBe('2024-08-08T05:00:00.000Z');
    expect(parseDateTime('31.07.2024 22:13:59', 'Europe/Moscow').toISOString()).toBe('2024-07-31T19:13:59.000Z');
    expect(parseDateTime('2024-06-03T10:00:00Z', 'Europe/Moscow').toISOString()).toBe('2024-06-03T10:00:00.000Z');
    expect(parseMonth('06.2024')).toBe('2024-06-01');
    expect(parseMonth('2024-06')).toBe('2024-06-01');
    expect(() => parseMonth('13.2024')).toThrow(/не месяц/);
  });

  it('reads Да, Нет and empty; client descriptors with the child count dropped; names cut with ...', () => {
    expect([parseYesNo('Да'), parseYesNo('нет'), parseYesNo(''), parseYesNo(' да ')]).toEqual([true, false, null, true]);
    expect(() => parseYesNo('может быть')).toThrow(/ожидалось Да, Нет или пусто/);
    expect(parseClientRef('192906 - Мин. СХ и прод. БО (Департамент АПК ) (2)')).toEqual({
      number: 192906,
      name: 'Мин. СХ и прод. БО (Департамент АПК )',
    });
    expect(parseClientRef('193643 - Телерадиокомп... Бирюч')).toEqual({ number: 193643, name: 'Телерадиокомп... Бирюч' });
    expect(parseClientRef('305492 - ЦОФМСО Борисо...')).toEqual({ number: 305492, name: 'ЦОФМСО Борисо...' });
    expect(parseClientRef('193254')).toEqual({ number: 193254, name: null });
    expect(() => parseClientRef('РИЦ502 (1)')).toThrow(/не называет клиента/);
    expect(personName('Савостина К.А. (Специалист дистан...')).toBe('Савостина К.А.');
    expect(personName('Лукина Е.И. (Специалист дистанционного контакта)')).toBe('Лукина Е.И.');
    expect(parseEmail('info@пример.рф')).toBe('info@пример.рф');
    expect(() => parseEmail('info@')).toThrow(/не адрес e-mail/);
  });
});

describe('text exports', () => {
  it('detects UTF-8 with and without BOM, UTF-16 and Windows-1251', () => {
    const text = 'Номер клиента\tКлиент\r\n193254\tВетстанция\r\n';
    expect(decodeText(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(iconv.encode(text, 'win1251'))).toEqual({ text, encoding: 'windows-1251' });
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]))).toEqual({ text, encoding: 'utf-16le' });
  });

  it('detects tab, semicolon and comma and reads quoted fields with delimiters, quotes and line breaks', () => {
    expect(detectDelimiter('a\tb\nc\td')).toBe('\t');
    expect(detectDelimiter('Номер;Сумма\n1;"15 000,00"\n')).toBe(';');
    expect(detectDelimiter('Номер,Сумма\n1,"15 000,00"\n')).toBe(',');
    const rows = [...tokenize('a;"b;c";"say ""hi"""\r\n"multi\r\nline";x\r\nlast;\r\n', ';')];
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b;c', 'say "hi"'] },
      { line: 2, cells: ['multi\r\nline', 'x'] },
      { line: 4, cells: ['last', ''] },
    ]);
  });
});
