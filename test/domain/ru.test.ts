import { describe, expect, it } from 'vitest';
import { count, monthSubject, quoted } from '../../src/domain/ru.js';

describe('Russian wording', () => {
  it('nests quotes as Russian typography does', () => {
    expect(quoted('МБОУ «Средняя общеобразовательная школа № 29» г. Губкин')).toBe(
      '«МБОУ „Средняя общеобразовательная школа № 29“ г. Губкин»',
    );
    expect(quoted('Проверка контрагентов: новые признаки "однодневок"')).toBe('«Проверка контрагентов: новые признаки „однодневок“»');
    expect(quoted('Охрана труда')).toBe('«Охрана труда»');
  });

  it('puts one colon at most in a month’s subject', () => {
    expect(monthSubject('2024-06', 'ТОП вопросов, обзоры и вебинары')).toBe('Июнь 2024: ТОП вопросов, обзоры и вебинары');
    expect(monthSubject('2024-06', 'Торги и суды: изменения 44-ФЗ с 1 июля')).toBe('Торги и суды: изменения 44-ФЗ с 1 июля (июнь 2024)');
  });

  it('counts with the plural form of the number', () => {
    expect([1, 2, 5, 11, 21, 22, 25, 111].map((n) => count(n, ['задача', 'задачи', 'задач']))).toEqual([
      '1 задача',
      '2 задачи',
      '5 задач',
      '11 задач',
      '21 задача',
      '22 задачи',
      '25 задач',
      '111 задач',
    ]);
  });
});
