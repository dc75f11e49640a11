import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { Calendar } from '../../src/domain/calendar.js';
import { nextFire, previousFire } from '../../src/domain/cron.js';
import { addMonths, localDate, zonedTime } from '../../src/domain/dates.js';
import { isoWeekOf, PeriodError, periodName, periodOf, periodRange, shiftPeriod, weekRangeName } from '../../src/domain/periods.js';

const MSK = 'Europe/Moscow';
const PERM = 'Asia/Yekaterinburg';

describe('periods', () => {
  it('names a period as people read it', () => {
    expect(periodName('2024-H1')).toBe('1-е полугодие 2024');
    expect(periodName('2024-H2')).toBe('2-е полугодие 2024');
    expect(periodName('2024-W22')).toBe('неделя 22 (27.05–02.06.2024)');
    expect(periodName('2025-W01')).toBe('неделя 1 (30.12.2024–05.01.2025)');
    expect(periodName('2024-06')).toBe('июнь 2024');
    expect(periodName('2024-06-06')).toBe('06.06.2024');
    expect(periodName('2024-06-06T0900')).toBe('06.06.2024 09:00');
    expect(periodName('2024-06-03T090003')).toBe('03.06.2024 09:00:03');
    expect(periodName('весна')).toBe('весна');
    expect(weekRangeName('2024-W11', '2024-W22')).toBe('недели 11–22 (11.03–02.06.2024)');
    expect(weekRangeName('2024-W22', '2024-W22')).toBe('неделя 22 (27.05–02.06.2024)');
  });

  it('reads the period in the RIC time zone, not UTC', () => {
    // 31 May 22:30 UTC is already 1 June in Moscow (+3) and in Perm (+5).
    const t = new Date('2024-05-31T22:30:00Z');
    expect(periodOf('month', t, MSK)).toBe('2024-06');
    expect(periodOf('month', t, 'UTC')).toBe('2024-05');
    expect(periodOf('day', new Date('2024-06-30T19:30:00Z'), PERM)).toBe('2024-07-01');
    expect(periodOf('halfyear', new Date('2024-06-30T21:30:00Z'), MSK)).toBe('2024-H2');
    expect(periodOf('none', new Date('2024-06-03T07:15:00Z'), MSK)).toBe('2024-06-03T1015');
  });

  it('numbers ISO weeks across year ends', () => {
    expect(isoWeekOf('2024-06-03')).toEqual({ year: 2024, week: 23 });
    expect(isoWeekOf('2024-12-30')).toEqual({ year: 2025, week: 1 });
    expect(isoWeekOf('2021-01-03')).toEqual({ year: 2020, week: 53 });
    expect(periodRange('isoweek', '2024-W23')).toEqual({ start: '2024-06-03', end: '2024-06-09' });
    expect(periodRange('isoweek', '2020-W53')).toEqual({ start: '2020-12-28', end: '2021-01-03' });
    expect(() => periodRange('isoweek', '2024-W53')).toThrow(/в 2024 году нет недели 53/);
  });

  it('gives ranges and shifts of every kind', () => {
    expect(periodRange('month', '2024-02')).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    expect(periodRange('halfyear', '2024-H2')).toEqual({ start: '2024-07-01', end: '2024-12-31' });
    expect(shiftPeriod('month', '2024-01', -1)).toBe('2023-12');
    expect(shiftPeriod('isoweek', '2025-W01', -1)).toBe('2024-W52');
    expect(shiftPeriod('halfyear', '2024-H1', -1)).toBe('2023-H2');
    expect(shiftPeriod('halfyear', '2024-H2', 1)).toBe('2025-H1');
    expect(shiftPeriod('day', '2024-03-01', -1)).toBe('2024-02-29');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
  });

  it('rejects a malformed period naming the expected form', () => {
    expect(() => periodRange('month', '2024-6')).toThrow(PeriodError);
    expect(() => periodRange('month', '2024-13')).toThrow(/«2024-13» — не месяц \(например, 2024-06\)/);
    expect(() => periodRange('halfyear', '2024-H3')).toThrow(/«2024-H3» — не полугодие \(например, 2024-H2\)/);
    expect(() => periodRange('day', '2024-02-30')).toThrow(/«2024-02-30» — такой даты нет в календаре/);
  });

  it('converts RIC wall-clock times to instants', () => {
    expect(zonedTime('2024-06-03', 9, 0, MSK).toISOString()).toBe('2024-06-03T06:00:00.000Z');
    expect(zonedTime('2024-06-03', 9, 0, PERM).toISOString()).toBe('2024-06-03T04:00:00.000Z');
    expect(localDate(new Date('2024-06-03T21:00:00Z'), MSK)).toBe('2024-06-04');
  });
});

describe('cron fire times', () => {
  it('finds the latest due and the next fire in the RIC zone', () => {
    const at = new Date('2024-06-05T12:00:00Z');
    expect(previousFire('0 7 * * 1', at, MSK)?.toISOString()).toBe('2024-06-03T04:00:00.000Z');
    expect(nextFire('0 7 * * 1', at, MSK)?.toISOString()).toBe('2024-06-10T04:00:00.000Z');
    // A fire exactly at `at` counts as due.
    expect(previousFire('0 10 1 * *', new Date('2024-06-01T07:00:00Z'), MSK)?.toISOString()).toBe('2024-06-01T07:00:00.000Z');
  });
});

describe('production calendar', () => {
  const cal = new Calendar(loadConfig({ env: { CHURNGUARD_RUN: 'test' } }).calendar);

  it('knows holidays, transferred days off and working Saturdays', () => {
    expect(cal.isWorkingDay('2024-06-12')).toBe(false); // Russia Day
    expect(cal.isWorkingDay('2024-11-02')).toBe(true); // working Saturday
    expect(cal.isWorkingDay('2024-11-04')).toBe(false);
    expect(cal.isWorkingDay('2025-05-08')).toBe(false); // day off moved from 23 February
    expect(cal.isWorkingDay('2025-06-13')).toBe(false); // moved from 8 March
    expect(cal.isWorkingDay('2025-11-01')).toBe(true);
    expect(cal.isWorkingDay('2026-01-09')).toBe(false);
    expect(cal.isWorkingDay('2026-06-15')).toBe(true);
  });

  it('counts working days over weekends and holidays', () => {
    // Tue 11 June 2024 + 3 working days: 13 (Thu), 14 (Fri), 17 (Mon) — the 12th is a holiday.
    expect(cal.addWorkingDays('2024-06-11', 3)).toBe('2024-06-17');
    expect(cal.addWorkingDays('2024-06-12', 0)).toBe('2024-06-13');
    expect(cal.workingDaysBetween('2024-06-11', '2024-06-17')).toBe(3);
    expect(cal.workingDaysIn('2024-12-28', '2025-01-09')).toEqual(['2024-12-28', '2025-01-09']);
  });
});
