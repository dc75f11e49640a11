import { describe, expect, it } from 'vitest';
import { escapeUnprintable, stripControls } from '../../src/domain/clean-text.js';

describe('clean text', () => {
  it('removes C0 and C1 controls and whole terminal escape sequences, keeping tab', () => {
    expect(stripControls('Ив\u001b[31mанов\u001b[0m')).toBe('Иванов');
    expect(stripControls('a\u001b]0;title\u0007b')).toBe('ab');
    expect(stripControls('a\u009b2Jb\u0085c\u0000d\u007fe')).toBe('abcde');
    expect(stripControls('x\ty')).toBe('x\ty');
    expect(stripControls('строка 1\r\nстрока 2')).toBe('строка 1 строка 2');
  });

  it('keeps letters, quotes and <b>-like text as they are', () => {
    const s = 'ООО «Рога & копыта» "Плюс" <b>жирный</b> ёЁ';
    expect(stripControls(s)).toBe(s);
  });

  it('removes Unicode format controls: bidi overrides and isolates, zero-width characters, a BOM, a soft hyphen, tags', () => {
    expect(stripControls('Ив\u202eанов')).toBe('Иванов');
    expect(stripControls('\u2066Петров\u2069 \u200bА.\u200dБ.\ufeff')).toBe('Петров А.Б.');
    expect(stripControls('Дир\u00adектор\u{e0041}')).toBe('Директор');
  });

  it('escapes what would not print as itself in table output', () => {
    expect(escapeUnprintable('a\u2066b\u200bc\u{e0041}')).toBe('a\\u2066b\\u200bc\\u{e0041}');
    expect(escapeUnprintable('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(escapeUnprintable('имя\u202eтекст')).toBe('имя\\u202eтекст');
    expect(escapeUnprintable('обычный текст')).toBe('обычный текст');
  });
});
