import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { Calendar } from '../../src/domain/calendar.js';
import { genderOfPatronymic, parseGender } from '../../src/domain/gender.js';
import {
  activityDrop,
  callsWithoutLogin,
  detectSignals,
  keyPersonChange,
  lastCompleteWeekEnd,
  noKeyContact,
  paymentDecline,
  type ScanContext,
  type SignalFacts,
  servicesUnused,
  stateChange,
} from '../../src/domain/signal-rules.js';
import { median, percentile } from '../../src/domain/stats.js';
import { addWorkingHours } from '../../src/domain/working-hours.js';

const config = loadConfig({ env: { CHURNGUARD_RUN: 'test' } });
const cfg = config.signals;
const NOW = new Date('2024-06-03T08:00:00+03:00');
const ctx = (fresh = true): ScanContext => ({ now: NOW, tz: 'Europe/Moscow', cfg, fresh: () => fresh });

const facts = (over: Partial<SignalFacts> = {}): SignalFacts => ({
  clientId: 7,
  state: 'served',
  stateChangedAt: null,
  connectedOn: '2020-01-15',
  payments: [],
  keyPeople: 2,
  lastKeyContactAt: new Date('2024-05-20T10:00:00+03:00'),
  heldCalls: [],
  weeklyLogins: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
  services: { webinars: 1, trainings: 0, hotline: 0, lk: 0 },
  keyPersonChanges: [],
  ...over,
});

describe('payment decline', () => {
  it('fires when debt grew two months running, not after one', () => {
    const two = facts({
      payments: [
        { month: '2024-06-01', charged: 12000, debt: 20000 },
        { month: '2024-05-01', charged: 12000, debt: 12000 },
        { month: '2024-04-01', charged: 12000, debt: 5000 },
      ],
    });
    const s = paymentDecline(two, ctx());
    expect(s?.kind).toBe('payment_decline');
    expect(s?.summary).toMatch(/^Долг растёт 2 месяца подряд: 5\s000,00\s₽ → 12\s000,00\s₽ → 20\s000,00\s₽$/);
    const one = facts({
      payments: [
        { month: '2024-06-01', charged: 12000, debt: 20000 },
        { month: '2024-05-01', charged: 12000, debt: 12000 },
        { month: '2024-04-01', charged: 12000, debt: 12000 },
      ],
    });
    expect(paymentDecline(one, ctx())).toBeNull();
    // A gap in the months is not "running".
    const gap = facts({ payments: [two.payments[0]!, two.payments[1]!, { month: '2024-02-01', charged: 12000, debt: 1000 }] });
    expect(paymentDecline(gap, ctx())).toBeNull();
  });

  it('fires on a fee cut of 5 % or more, and not on stale payments', () => {
    const cut = facts({
      payments: [
        { month: '2024-06-01', charged: 9000, debt: 0 },
        { month: '2024-05-01', charged: 12000, debt: 0 },
      ],
    });
    expect(paymentDecline(cut, ctx())?.summary).toMatch(/^Сумма обслуживания снижена: 12\s000,00\s₽ → 9\s000,00\s₽$/);
    expect(paymentDecline(cut, ctx(false))).toBeNull();
    const small = facts({
      payments: [
        { month: '2024-06-01', charged: 11500, debt: 0 },
        { month: '2024-05-01', charged: 12000, debt: 0 },
      ],
    });
    expect(paymentDecline(small, ctx())).toBeNull();
    const old = facts({
      payments: [
        { month: '2024-02-01', charged: 9000, debt: 0 },
        { month: '2024-01-01', charged: 12000, debt: 0 },
      ],
    });
    expect(paymentDecline(old, ctx())).toBeNull();
  });
});

describe('no contact with a key person', () => {
  it('fires after 60 days without a held contact, not at 59', () => {
    // 5 April → 3 June is 59 days; 4 April → 3 June is 60.
    expect(noKeyContact(facts({ lastKeyContactAt: new Date('2024-04-05T12:00:00+03:00') }), ctx())).toBeNull();
    const late = noKeyContact(facts({ lastKeyContactAt: new Date('2024-04-04T12:00:00+03:00') }), ctx());
    expect(late?.summary).toBe('Нет состоявшегося контакта с ключевым пользователем, ЛПР, ЛВПР 60 дней');
    expect(late?.details).toEqual(['Последний состоявшийся контакт: 04.04.2024']);
  });

  it('fires when there never was one, says when no key person is known, and skips new clients', () => {
    const s = noKeyContact(facts({ lastKeyContactAt: null, keyPeople: 0 }), ctx());
    expect(s?.details).toEqual([
      'Состоявшихся контактов с ними не было',
      'ЛПР, ЛВПР и ключевой пользователь не указаны в контактных лицах',
    ]);
    expect(noKeyContact(facts({ lastKeyContactAt: null, connectedOn: '2024-05-01' }), ctx())).toBeNull();
    expect(noKeyContact(facts({ lastKeyContactAt: null }), ctx(false))).toBeNull();
  });
});

describe('calls without login', () => {
  const call = (d: string, withLogin = false) => ({ at: new Date(`${d}T11:00:00+03:00`), withLogin });

  it('fires on 3 held calls in a row without login, not when one of them had a login', () => {
    const s = callsWithoutLogin(facts({ heldCalls: [call('2024-05-30'), call('2024-05-20'), call('2024-05-10')] }), ctx());
    expect(s?.summary).toBe('3 состоявшихся звонка подряд без входа в систему');
    expect(s?.details).toEqual(['Звонки «Контакт состоялся» без входа: 10.05.2024, 20.05.2024, 30.05.2024']);
    expect(callsWithoutLogin(facts({ heldCalls: [call('2024-05-30'), call('2024-05-20', true), call('2024-05-10')] }), ctx())).toBeNull();
    expect(callsWithoutLogin(facts({ heldCalls: [call('2024-05-30'), call('2024-05-20')] }), ctx())).toBeNull();
    // The latest of them long ago: old news.
    expect(callsWithoutLogin(facts({ heldCalls: [call('2024-04-01'), call('2024-03-20'), call('2024-03-10')] }), ctx())).toBeNull();
  });
});

describe('activity drop', () => {
  it('fires on a fall of 50 % against the previous 8-week mean, not at 49 %', () => {
    const s = activityDrop(facts({ weeklyLogins: [5, 10, 10, 10, 10, 10, 10, 10, 10, 0, 0] }), ctx());
    expect(s?.summary).toBe('Входов за неделю: 5 при среднем 10 за 8 предыдущих нед. (−50 %)');
    expect(activityDrop(facts({ weeklyLogins: [6, 10, 10, 10, 10, 10, 10, 10, 10, 0, 0] }), ctx())).toBeNull();
  });

  it('fires on zero logins for 2 weeks after activity, not for a client that never logs in', () => {
    const s = activityDrop(facts({ weeklyLogins: [0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0] }), ctx());
    expect(s?.summary).toBe('0 входов 2 недели подряд после активности');
    expect(s?.evidence.reason).toBe('zero');
    expect(activityDrop(facts({ weeklyLogins: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }), ctx())).toBeNull();
    expect(activityDrop(facts({ weeklyLogins: [0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0] }), ctx(false))).toBeNull();
  });
});

describe('services unused, key-person change, reorganisation and liquidation', () => {
  it('fires when no webinar, training, hotline or cabinet use in 6 months', () => {
    const none = { webinars: 0, trainings: 0, hotline: 0, lk: 0 };
    expect(servicesUnused(facts({ services: none }), ctx())?.summary).toBe('За 6 мес. нет вебинаров, обучения, обращений на ГЛ и в ЛК');
    expect(servicesUnused(facts({ services: { ...none, hotline: 1 } }), ctx())).toBeNull();
    expect(servicesUnused(facts({ services: none, connectedOn: '2024-01-10' }), ctx())).toBeNull();
  });

  it('reports a change of ЛПР with who left and who came, the verbs agreeing with each person', () => {
    const change = (c: Partial<SignalFacts['keyPersonChanges'][number]>) =>
      keyPersonChange(facts({ keyPersonChanges: [{ id: 1, role: 'lpr', leftName: null, cameName: null, detectedAt: NOW, ...c }] }), ctx())
        ?.summary;
    // From the patronymic.
    expect(change({ leftName: 'Ильина Алла Ивановна', cameName: 'Андреев Игорь Николаевич' })).toBe(
      'Смена ЛПР: ушла Ильина Алла Ивановна, пришёл Андреев Игорь Николаевич',
    );
    expect(change({ leftName: 'Мамедов Эльчин Рашид оглы', cameName: 'Андреева Анна Петровна' })).toBe(
      'Смена ЛПР: ушёл Мамедов Эльчин Рашид оглы, пришла Андреева Анна Петровна',
    );
    expect(change({ role: 'key_user', cameName: 'Андреева Анна Петровна' })).toBe(
      'Смена ключевого пользователя: пришла Андреева Анна Петровна',
    );
    // The CRM's «Пол» wins over the patronymic; without either the wording has no gendered verb.
    expect(change({ leftName: 'Иванова И.И.', leftGender: 'f', cameName: 'Петров П.П.', cameGender: 'm' })).toBe(
      'Смена ЛПР: ушла Иванова И.И., пришёл Петров П.П.',
    );
    expect(change({ leftName: 'Иванов И.И.', cameName: 'Петров П.П.' })).toBe('Смена ключевого лица (ЛПР): Иванов И.И. → Петров П.П.');
    expect(change({ role: 'lvpr', leftName: 'Иванов И.И.' })).toBe('Смена ключевого лица (ЛВПР): Иванов И.И., замены нет');
    expect(change({ leftName: 'Ильина Алла Ивановна', cameName: 'Ким Ён Хи' })).toBe(
      'Смена ключевого лица (ЛПР): Ильина Алла Ивановна → Ким Ён Хи',
    );
  });

  it('tells gender from the patronymic and the CRM’s «Пол»', () => {
    expect(genderOfPatronymic('Ильина Алла Ивановна')).toBe('f');
    expect(genderOfPatronymic('Кузьмин Илья Ильич')).toBe('m');
    expect(genderOfPatronymic('Гасанова Лейла Вагиф кызы')).toBe('f');
    expect(genderOfPatronymic('Петров П.П.')).toBeNull();
    expect(genderOfPatronymic('Ильина Алла')).toBeNull();
    expect(parseGender('Ж')).toBe('f');
    expect(parseGender('муж.')).toBe('m');
    expect(parseGender('')).toBeNull();
  });

  it('reports reorganisation and liquidation once per change of state', () => {
    const r = stateChange(facts({ state: 'reorganization', stateChangedAt: new Date('2024-05-31T10:00:00+03:00') }), ctx());
    expect(r).toMatchObject({ kind: 'reorganization', dedupKey: 'reorganization.7.2024-05-31' });
    expect(r?.summary).toMatch(/^Реорганизация клиента с 31\.05\.2024/);
    expect(stateChange(facts({ state: 'liquidation' }), ctx())?.kind).toBe('liquidation');
    expect(stateChange(facts(), ctx())).toBeNull();
  });

  it('collects every kind a client shows', () => {
    const all = detectSignals(
      facts({ state: 'liquidation', services: { webinars: 0, trainings: 0, hotline: 0, lk: 0 }, lastKeyContactAt: null }),
      ctx(),
    );
    expect(all.map((s) => s.kind).sort()).toEqual(['liquidation', 'no_key_contact', 'services_unused']);
    expect(all.every((s) => s.clientId === 7)).toBe(true);
  });

  it('reads usage weeks up to the last complete week', () => {
    expect(lastCompleteWeekEnd('2024-06-03', 1)).toBe('2024-06-02');
    expect(lastCompleteWeekEnd('2024-06-09', 7)).toBe('2024-06-02');
  });
});

describe('working hours and reaction statistics', () => {
  const cal = new Calendar(config.calendar);
  const day = { start: '09:00', end: '18:00' };
  const tz = 'Europe/Moscow';

  it('counts 24 working hours over nights, weekends and holidays', () => {
    // Monday 10:00 → 8 h Monday, 9 h Tuesday, 7 h Wednesday → Wednesday 16:00.
    expect(addWorkingHours(new Date('2024-06-03T10:00:00+03:00'), 24, cal, tz, day)).toEqual(new Date('2024-06-05T16:00:00+03:00'));
    // Before opening: starts at 09:00.
    expect(addWorkingHours(new Date('2024-06-03T07:00:00+03:00'), 9, cal, tz, day)).toEqual(new Date('2024-06-03T18:00:00+03:00'));
    // Friday 7 June 17:00 → 1 h Friday, Monday 10 June 9 h, 12 June is a holiday, Tuesday 9 h, Thursday 5 h.
    expect(addWorkingHours(new Date('2024-06-07T17:00:00+03:00'), 24, cal, tz, day)).toEqual(new Date('2024-06-13T14:00:00+03:00'));
  });

  it('gives the median and the 90th percentile like percentile_cont', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
    expect(percentile([], 0.9)).toBeNull();
  });
});
