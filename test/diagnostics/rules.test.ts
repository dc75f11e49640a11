import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { Calendar } from '../../src/domain/calendar.js';
import { addDays } from '../../src/domain/dates.js';
import {
  type CampaignClient,
  CHECKLISTS,
  type DueCounts,
  diagnosticsText,
  segmentOf,
  staggerDueDates,
} from '../../src/domain/diagnostics.js';
import { comparisonTitle, findingKey, findingSummary, parseValidUntil } from '../../src/domain/findings.js';

const config = loadConfig({ env: { CHURNGUARD_RUN: 'test' } });
const calendar = new Calendar(config.calendar);
const rules = { ...config.diagnostics, maxDuePerDay: 3 };

function clients(n: number, specialistId: number, fee: (i: number) => number, from = 1): CampaignClient[] {
  return Array.from({ length: n }, (_, i) => ({ clientId: from + i, number: 200000 + from + i, monthlyFee: fee(i), specialistId }));
}

function perDay(plans: { specialistId: number; dueOn: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of plans) m.set(`${p.specialistId}|${p.dueOn}`, (m.get(`${p.specialistId}|${p.dueOn}`) ?? 0) + 1);
  return m;
}

describe('configuration', () => {
  it("has the seed's defaults and names a bad diagnostics setting", () => {
    expect(config.diagnostics).toEqual({
      largeFeeAbove: 15000,
      segments: { small_medium: { plannedWeeks: 6, priority: 2 }, large: { plannedWeeks: 4, priority: 1 } },
      maxDuePerDay: 5,
      comparisonDueWorkingDays: 5,
    });
    expect(config.schedules['diagnostics-control']).toBe('0 9 * * 1');
    const bad = (overrides: unknown) => {
      try {
        loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(bad({ diagnostics: { maxDuePerDay: 0 } })).toMatch(/diagnostics\.maxDuePerDay: Too small/);
    expect(bad({ diagnostics: { segments: { large: { plannedWeeks: 4, priority: 1, colour: 'red' } } } })).toMatch(
      /unknown key "diagnostics\.segments\.large\.colour"/,
    );
    expect(bad({ diagnostics: { largeFeeAbove: '15 000' } })).toMatch(/diagnostics\.largeFeeAbove: /);
  });
});

describe('segments', () => {
  it('puts 15 000,00 in small and medium and 15 000,01 in large (config boundary)', () => {
    expect(config.diagnostics.largeFeeAbove).toBe(15000);
    expect(segmentOf(15000, 15000)).toBe('small_medium');
    expect(segmentOf(15000.0, 15000)).toBe('small_medium');
    expect(segmentOf(15000.01, 15000)).toBe('large');
    expect(segmentOf(0.1 + 0.2 + 14999.7, 15000)).toBe('small_medium');
    expect(segmentOf(3500, 15000)).toBe('small_medium');
    expect(segmentOf(45000, 15000)).toBe('large');
    expect(segmentOf(12000.01, 12000)).toBe('large');
  });

  it('gives each segment its checklist: who uses which system, until when, who decides, what comparison', () => {
    for (const list of Object.values(CHECKLISTS)) {
      const text = list.join(' ');
      expect(text).toMatch(/Кто в организации пользуется системами конкурентов/);
      expect(text).toMatch(/Какая система конкурента/);
      expect(text).toMatch(/До какого срока/);
      expect(text).toMatch(/Кто принимает решение/);
      expect(text).toMatch(/мероприятие по сравнению/);
    }
    expect(CHECKLISTS.large.length).toBeGreaterThan(CHECKLISTS.small_medium.length);
    const text = diagnosticsText({
      period: '2024-H2',
      segment: 'large',
      fee: '20 000,00 ₽',
      plannedFrom: '2024-07-15',
      dueOn: '2024-08-09',
    });
    expect(text).toContain('Крупный сегмент');
    expect(text).toContain('Плановый период: с 15.07.2024 до 09.08.2024.');
    expect(text).toContain('7. Договориться о встрече ЛПР со специалистом ТС');
    // The period by its name, and the diary's outcomes instead of a command of the admin script.
    expect(text).toMatch(/^Диагностика и профилактика появления конкурентов \(2-е полугодие 2024\)\./);
    expect(text).toContain('«Выявлен конкурент»');
    expect(text).not.toMatch(/churnguard|--outcome|2024-H2/);
  });
});

describe('staggered due dates', () => {
  it('spreads a specialist over the planned period: large within 4 weeks, small and medium within 6, on working days', () => {
    const list = [...clients(10, 7, () => 20000), ...clients(20, 7, () => 9000, 11)];
    const plans = staggerDueDates({ clients: list, start: '2024-07-15', rules: config.diagnostics, calendar, counts: new Map() });
    expect(plans).toHaveLength(30);
    const large = plans.filter((p) => p.segment === 'large');
    const small = plans.filter((p) => p.segment === 'small_medium');
    expect(large).toHaveLength(10);
    expect(large.every((p) => p.dueOn >= '2024-07-15' && p.dueOn <= '2024-08-11' && p.priority === 1)).toBe(true);
    expect(small.every((p) => p.dueOn >= '2024-07-15' && p.dueOn <= '2024-08-25' && p.priority === 2)).toBe(true);
    expect(plans.every((p) => calendar.isWorkingDay(p.dueOn) && !p.beyondWindow)).toBe(true);
    // Evenly: the last of each segment on the period's last working day, not all at the start.
    expect(
      large
        .map((p) => p.dueOn)
        .sort()
        .at(-1),
    ).toBe('2024-08-09');
    expect(
      small
        .map((p) => p.dueOn)
        .sort()
        .at(-1),
    ).toBe('2024-08-23');
    expect(new Set(plans.map((p) => p.dueOn)).size).toBeGreaterThan(20);
  });

  it('never puts more than N diagnostics due on one working day for one specialist, even beyond the period', () => {
    // 150 clients of one specialist at 3 a day need 50 working days: 6 weeks hold 29 (12 June is a holiday).
    const list = [...clients(150, 1, (i) => (i % 3 === 0 ? 30000 : 8000)), ...clients(40, 2, () => 15000, 500)];
    const plans = staggerDueDates({ clients: list, start: '2024-06-03', rules, calendar, counts: new Map() });
    expect(plans).toHaveLength(190);
    expect(Math.max(...perDay(plans).values())).toBe(3);
    expect(plans.some((p) => p.dueOn === '2024-06-12')).toBe(false);
    const beyond = plans.filter((p) => p.beyondWindow);
    expect(beyond.length).toBeGreaterThan(0);
    expect(beyond.every((p) => p.dueOn > p.windowEnd && p.specialistId === 1)).toBe(true);
    // The other specialist fits within the period: 40 at up to 3 a day over 29 working days.
    expect(plans.filter((p) => p.specialistId === 2).every((p) => !p.beyondWindow)).toBe(true);
  });

  it('fills around what an earlier run already made due', () => {
    const counts: DueCounts = new Map([[5, new Map<string, number>()]]);
    const days = calendar.workingDaysIn('2024-07-15', addDays('2024-07-15', 41));
    for (const d of days.slice(0, -1)) counts.get(5)?.set(d, 3);
    const plans = staggerDueDates({ clients: clients(4, 5, () => 9000), start: '2024-07-15', rules, calendar, counts });
    // One free slot per the last day (3), then beyond the period.
    expect(plans.map((p) => p.dueOn)).toEqual(['2024-08-23', '2024-08-23', '2024-08-23', '2024-08-26']);
    expect(counts.get(5)?.get('2024-08-23')).toBe(3);
  });
});

describe('findings', () => {
  it('takes "until" as a month (through its last day), a month name or a date', () => {
    expect(parseValidUntil('2024-09')).toBe('2024-09-30');
    expect(parseValidUntil('09.2024')).toBe('2024-09-30');
    expect(parseValidUntil('сентябрь 2024')).toBe('2024-09-30');
    expect(parseValidUntil('Сентября 2024 г.')).toBe('2024-09-30');
    expect(parseValidUntil('май 2025')).toBe('2025-05-31');
    expect(parseValidUntil('март 2025')).toBe('2025-03-31');
    expect(parseValidUntil('2024-02')).toBe('2024-02-29');
    expect(parseValidUntil('15.09.2024')).toBe('2024-09-15');
    expect(parseValidUntil('2024-09-15')).toBe('2024-09-15');
    expect(() => parseValidUntil('2024-13')).toThrow(/«2024-13» — не месяц и не дата \(ожидался месяц ГГГГ-ММ/);
    expect(() => parseValidUntil('31.02.2024')).toThrow(/не месяц и не дата/);
    expect(() => parseValidUntil('осенью')).toThrow(/не месяц и не дата/);
    expect(() => parseValidUntil('мартобря 2024')).toThrow(/не месяц и не дата/);
  });

  it('is the same finding whatever the case, quotes and spaces of the system', () => {
    expect(findingKey(7, '«Охрана  труда»', '2024-09-30')).toBe(findingKey(7, 'охрана труда', '2024-09-30'));
    expect(findingKey(7, 'Госфинансы', null)).not.toBe(findingKey(7, 'Госфинансы', '2024-12-31'));
    expect(findingKey(7, 'Госфинансы', null)).not.toBe(findingKey(8, 'Госфинансы', null));
  });

  it("words the signal and the comparison task as the seed's example", () => {
    const f = { competitor: 'Охрана труда', validUntil: '2024-09-30' };
    expect(findingSummary(f)).toBe('В организации стоит система конкурента «Охрана труда» до 30 сентября 2024');
    expect(comparisonTitle({ ...f, contactName: null, fieldName: 'Кайдаш В.' })).toBe(
      'Выяснить ФИО пользователя системы конкурента. Назначить обучение с элементами сравнения и передать в работу Кайдаш В. В организации стоит система конкурента «Охрана труда» до 30 сентября 2024.',
    );
  });
});
