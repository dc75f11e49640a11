import { describe, expect, it } from 'vitest';
import { localDate, localParts } from '../../src/domain/dates.js';

describe('localParts', () => {
  it('reads the same instant the same in each zone, and a caller changing its copy changes no later reading', () => {
    const at = new Date('2024-03-31T00:30:00Z');
    const first = localParts(at, 'Europe/Moscow');
    expect(first).toEqual({ year: 2024, month: 3, day: 31, hour: 3, minute: 30, second: 0, weekday: 7 });
    first.day = 1;
    first.hour = 23;
    expect(localParts(at, 'Europe/Moscow')).toEqual({ year: 2024, month: 3, day: 31, hour: 3, minute: 30, second: 0, weekday: 7 });
    // The same instant in another zone is its own reading, not the remembered one.
    expect(localParts(at, 'Europe/Berlin')).toEqual({ year: 2024, month: 3, day: 31, hour: 1, minute: 30, second: 0, weekday: 7 });
    expect(localParts(at, 'America/New_York')).toMatchObject({ day: 30, hour: 20, weekday: 6 });
    expect(localDate(at, 'Asia/Yekaterinburg')).toBe('2024-03-31');
  });

  it('reads more instants than it remembers, each correctly', () => {
    const start = Date.UTC(2024, 0, 1, 21, 0, 0);
    for (let i = 0; i < 10_000; i++) {
      const at = new Date(start + i * 3_600_000);
      const p = localParts(at, 'Europe/Moscow');
      const shifted = new Date(at.getTime() + 3 * 3_600_000);
      expect([p.year, p.month, p.day, p.hour]).toEqual([
        shifted.getUTCFullYear(),
        shifted.getUTCMonth() + 1,
        shifted.getUTCDate(),
        shifted.getUTCHours(),
      ]);
    }
  });
});
