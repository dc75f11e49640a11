/** The contact frequency as the CRM writes it: months, or an interval in days when shorter. */
import { describe, expect, it } from 'vitest';
import { ContactFrequencyError, describeFrequency, parseContactFrequency } from '../../src/domain/contact-frequency.js';

const days = (n: number) => ({ months: null, days: n });
const months = (n: number) => ({ months: n, days: null });

describe('parseContactFrequency', () => {
  it('reads a plain number as months, as the column always did', () => {
    expect(parseContactFrequency('3')).toEqual(months(3));
    expect(parseContactFrequency(' 6,00 ')).toEqual(months(6));
  });

  it('reads times a month as an interval in days', () => {
    for (const s of ['2 р в месяц', '2 раза в месяц', '2 р/мес', '2р. в мес.']) {
      expect(parseContactFrequency(s), s).toEqual(days(15));
    }
  });

  it('reads weeks and the CRM words', () => {
    expect(parseContactFrequency('раз в 2 недели')).toEqual(days(14));
    expect(parseContactFrequency('1 раз в 2 нед')).toEqual(days(14));
    expect(parseContactFrequency('1 раз в 2 нед.')).toEqual(days(14));
    expect(parseContactFrequency('еженедельно')).toEqual(days(7));
    expect(parseContactFrequency('Раз в неделю')).toEqual(days(7));
    expect(parseContactFrequency('1 р в неделю')).toEqual(days(7));
    expect(parseContactFrequency('ежемесячно')).toEqual(months(1));
    expect(parseContactFrequency('раз в квартал')).toEqual(months(3));
    expect(parseContactFrequency('раз в 2 месяца')).toEqual(months(2));
  });

  it('refuses anything else, naming the value and the forms accepted', () => {
    for (const s of ['часто', '0', '25', '2 р в год', 'раз в 0 недель']) {
      expect(() => parseContactFrequency(s), s).toThrow(ContactFrequencyError);
    }
    expect(() => parseContactFrequency('часто')).toThrow(/«часто» — не частота контакта \(ожидалось .*2 р в месяц/);
  });

  it('describes a frequency in Russian', () => {
    expect(describeFrequency(days(15))).toBe('раз в 15 дн.');
    expect(describeFrequency(days(7))).toBe('еженедельно');
    expect(describeFrequency(months(1))).toBe('ежемесячно');
    expect(describeFrequency({ months: null, days: null })).toBe('не задана');
  });
});
