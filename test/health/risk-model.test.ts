import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type RiskFacts, scoreClient } from '../../src/domain/client-risk.js';
import { categoriesOf, isLowActivity } from '../../src/domain/risk-categories.js';
import {
  type ComponentKey,
  type ComponentScore,
  monthsText,
  scoreLk,
  scoreLogins,
  scoreLprContact,
  scoreTraining,
  scoreWebinars,
} from '../../src/domain/risk-components.js';
import { indicatorOf, zoneOf } from '../../src/domain/risk-model.js';
import { staleComponents, staleReason } from '../../src/domain/sources.js';

const cfg = loadConfig({ env: { CHURNGUARD_RUN: 'test' } }).risk;

const comps = (training: number | null, lk: number | null, lprContact: number | null, logins: number | null, webinars: number | null) =>
  Object.fromEntries(
    Object.entries({ training, lk, lprContact, logins, webinars }).map(([k, score]) => [k, { score, reason: '' }]),
  ) as Record<ComponentKey, ComponentScore>;

describe('components at their edges', () => {
  it('scores cabinet requests: none → 0.50, one → 0.30, two → 0.20 over 3 months', () => {
    expect(scoreLk(0, cfg)).toEqual({ score: 0.5, reason: '0 обращений в ЛК за 3 мес.' });
    expect(scoreLk(1, cfg)).toEqual({ score: 0.3, reason: '1 обращение в ЛК за 3 мес.' });
    expect(scoreLk(2, cfg)).toEqual({ score: 0.2, reason: '2 обращения в ЛК за 3 мес.' });
  });

  it('scores webinars with the seed reason wording', () => {
    expect(scoreWebinars(0, cfg)).toEqual({ score: 0.5, reason: '0 вебинаров за 6 мес.' });
    expect(scoreWebinars(1, cfg)).toEqual({ score: 0.3, reason: '1 вебинар за 6 мес.' });
    expect(scoreWebinars(2, cfg).score).toBe(0.2);
    expect(scoreWebinars(5, cfg).reason).toBe('5 вебинаров за 6 мес.');
  });

  it('scores held contacts with an ЛПР and says when no ЛПР is known', () => {
    expect(scoreLprContact(0, true, cfg)).toEqual({ score: 0.5, reason: '0 контактов с ЛПР за 3 мес.' });
    expect(scoreLprContact(1, true, cfg).score).toBe(0.3);
    expect(scoreLprContact(2, true, cfg)).toEqual({ score: 0.2, reason: '2 контакта с ЛПР за 3 мес.' });
    expect(scoreLprContact(0, false, cfg).reason).toBe('0 контактов с ЛПР за 3 мес. (ЛПР не указан)');
  });

  it('scores logins over 4 weeks: none, under half of the weeks, half or more', () => {
    expect(scoreLogins([0, 0, 0, 0, 9], cfg)).toEqual({ score: 0.5, reason: '0 входов за 4 нед.' });
    expect(scoreLogins([0, 3, 0, 0], cfg)).toEqual({ score: 0.3, reason: 'входы в 1 из 4 нед. (3 входа)' });
    expect(scoreLogins([1, 0, 1, 0], cfg)).toEqual({ score: 0.2, reason: 'входы в 2 из 4 нед. (2 входа)' });
    expect(scoreLogins([], cfg).score).toBe(0.5);
  });

  it('scores training as the source does: the norm met within 2 years 0,20, otherwise 0,50; 0,30 only with levels 3', () => {
    expect(cfg.training.levels).toBe(2);
    // 3 of 5 users of a category A client: 60 % of the 80 % norm.
    expect(scoreTraining({ category: 'A', systemUsers: 5, trainedUsers: 3 }, cfg)).toEqual({
      score: 0.5,
      reason: 'обучено 3 из 5 пользователей за 2 года (норма 80 %)',
    });
    const three = { ...cfg, training: { ...cfg.training, levels: 3 as const } };
    expect(scoreTraining({ category: 'A', systemUsers: 5, trainedUsers: 3 }, three).score).toBe(0.3);
    expect(scoreTraining({ category: 'A', systemUsers: 5, trainedUsers: 4 }, three).score).toBe(0.2);
    expect(scoreTraining({ category: 'A', systemUsers: 5, trainedUsers: 0 }, three).score).toBe(0.5);
    const fromFile = loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides: { risk: { training: { levels: 3 } } } }).risk;
    expect(scoreTraining({ category: 'A', systemUsers: 5, trainedUsers: 3 }, fromFile).score).toBe(0.3);
  });

  it('applies the training norm of the category: A 80 %, B and C 50 %', () => {
    expect(scoreTraining({ category: 'A', systemUsers: 5, trainedUsers: 4 }, cfg)).toEqual({
      score: 0.2,
      reason: 'обучено 4 из 5 пользователей за 2 года (норма 80 %)',
    });
    expect(scoreTraining({ category: 'A', systemUsers: 5, trainedUsers: 3 }, cfg).score).toBe(0.5);
    expect(scoreTraining({ category: 'B', systemUsers: 4, trainedUsers: 2 }, cfg).score).toBe(0.2);
    expect(scoreTraining({ category: 'B', systemUsers: 5, trainedUsers: 2 }, cfg).score).toBe(0.5);
    expect(scoreTraining({ category: 'C', systemUsers: 2, trainedUsers: 1 }, cfg).score).toBe(0.2);
    expect(scoreTraining({ category: 'C', systemUsers: 3, trainedUsers: 0 }, cfg)).toEqual({
      score: 0.5,
      reason: 'обучено 0 из 3 пользователей за 2 года (норма 50 %)',
    });
    expect(scoreTraining({ category: 'B', systemUsers: 1, trainedUsers: 1 }, cfg).reason).toBe(
      'обучено 1 из 1 пользователя за 2 года (норма 50 %)',
    );
    expect(scoreTraining({ category: 'B', systemUsers: 0, trainedUsers: 0 }, cfg)).toEqual({
      score: 0.5,
      reason: 'нет пользователей системы среди контактных лиц',
    });
    expect(monthsText(24)).toBe('2 года');
    expect(monthsText(12)).toBe('1 год');
  });
});

describe('indicator and zones', () => {
  it('puts 0.29 in no threat, 0.30 in dynamic risk, 0.339 dynamic and 0.34 in high risk', () => {
    expect(zoneOf(0.29, cfg.zones)).toBe('none');
    expect(zoneOf(0.299, cfg.zones)).toBe('none');
    expect(zoneOf(0.3, cfg.zones)).toBe('dynamic');
    expect(zoneOf(0.339, cfg.zones)).toBe('dynamic');
    expect(zoneOf(0.34, cfg.zones)).toBe('high');
    expect(zoneOf(null, cfg.zones)).toBeNull();
  });

  it('is the equal-weight mean by default, exact at the 0.34 boundary', () => {
    // 0.2 + 0.3 + 0.5 + 0.2 + 0.5 = 1.7, / 5 = 0.34 (floating point gives 0.33999…)
    const ind = indicatorOf(comps(0.2, 0.3, 0.5, 0.2, 0.5), cfg.weights);
    expect(ind).toBe(0.34);
    expect(zoneOf(ind, cfg.zones)).toBe('high');
    expect(indicatorOf(comps(0.2, 0.2, 0.3, 0.3, 0.5), cfg.weights)).toBe(0.3);
    expect(indicatorOf(comps(0.2, 0.2, 0.2, 0.2, 0.5), cfg.weights)).toBe(0.26);
  });

  it('weighs components by the configured weights', () => {
    const weights = { training: 3, lk: 1, lprContact: 1, logins: 0, webinars: 1 };
    // (0.5*3 + 0.2 + 0.2 + 0.2) / 6 = 0.35; logins (weight 0) does not count
    expect(indicatorOf(comps(0.5, 0.2, 0.2, 0.5, 0.2), weights)).toBe(0.35);
    expect(indicatorOf(comps(0.2, 0.2, 0.2, 0.5, 0.2), weights)).toBe(0.2);
  });

  it('leaves stale components out of the mean and has no indicator when all are stale', () => {
    expect(indicatorOf(comps(null, 0.5, 0.2, null, 0.2), cfg.weights)).toBe(0.3);
    expect(indicatorOf(comps(null, null, null, null, null), cfg.weights)).toBeNull();
  });
});

describe('stale and missing sources', () => {
  const ref = new Date('2024-06-03T00:00:00+03:00');
  const limits = cfg.staleAfterDays;

  it('marks never-imported and too-old sources, naming them', () => {
    const times = {
      contacts: new Date('2024-05-30T10:00:00Z'),
      trainings: new Date('2024-05-30T10:00:00Z'),
      'lk-requests': new Date('2024-03-01T10:00:00Z'),
      'contact-events': new Date('2024-05-30T10:00:00Z'),
      'online-usage': new Date('2024-05-20T00:00:00+03:00'), // 14 days before ref: still fresh
    };
    const stale = staleComponents(times, ref, limits);
    expect([...stale.keys()].sort()).toEqual(['lk', 'webinars']);
    expect(stale.get('webinars')?.[0]).toMatchObject({ kind: 'webinars', state: 'missing' });
    expect(staleReason(stale.get('lk') ?? [], (d) => d.toISOString().slice(0, 10))).toBe('н/д: «Запросы в ЛК» загружено 2024-03-01');
    expect(staleReason(stale.get('webinars') ?? [], () => '')).toBe('н/д: «Посещение вебинаров» не загружалось');
    const older = staleComponents({ ...times, 'online-usage': new Date('2024-05-19T23:59:00+03:00') }, ref, limits);
    expect(older.has('logins')).toBe(true);
  });

  it('makes training stale when the contact list is missing', () => {
    const stale = staleComponents({ trainings: ref }, ref, limits);
    expect(stale.get('training')?.map((s) => s.kind)).toEqual(['contacts']);
  });
});

const facts = (over: Partial<RiskFacts> = {}): RiskFacts => ({
  clientId: 1,
  category: 'B',
  systemUsers: 2,
  trainedUsers: 1,
  lkRequests: 0,
  lprContacts: 0,
  hasLpr: true,
  webinars: 0,
  weeklyLogins: [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
  connectedOn: '2020-01-15',
  primaryAdvanceUntil: null,
  flags: [],
  previousZone: null,
  previousIndicator: null,
  ...over,
});

describe('a client week', () => {
  it('scores a client with data but no events high on those components', () => {
    const r = scoreClient(facts(), '2024-06-02', new Map(), cfg);
    expect(r.components.lk.score).toBe(0.5);
    expect(r.components.webinars).toEqual({ score: 0.5, reason: '0 вебинаров за 6 мес.' });
    // (0.2 + 0.5 + 0.5 + 0.2 + 0.5) / 5 = 0.38
    expect(r).toMatchObject({ indicator: 0.38, zone: 'high', stale: [], categories: [] });
  });

  it('shows a stale component as н/д with its reason and scores the rest', () => {
    const r = scoreClient(facts(), '2024-06-02', new Map([['webinars', 'н/д: «Посещение вебинаров» не загружалось']]), cfg);
    expect(r.components.webinars).toEqual({ score: null, reason: 'н/д: «Посещение вебинаров» не загружалось' });
    expect(r.indicator).toBe(0.35);
    expect(r.stale).toEqual(['webinars']);
  });

  it('computes the change since last week and the red zone (high two weeks running)', () => {
    const r = scoreClient(facts({ previousZone: 'high', previousIndicator: 0.35 }), '2024-06-02', new Map(), cfg);
    expect(r.delta).toBe(0.03);
    expect(r.categories).toContain('red_zone');
    expect(scoreClient(facts({ previousZone: 'dynamic' }), '2024-06-02', new Map(), cfg).categories).not.toContain('red_zone');
  });
});

describe('categories', () => {
  const base = {
    connectedOn: '2020-01-15',
    primaryAdvanceUntil: null,
    flags: [] as string[],
    zone: 'none' as const,
    previousZone: 'none' as const,
    weeklyLogins: [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
  };

  it('finds new clients by connection date and by a primary advance ending within 60 days', () => {
    expect(categoriesOf({ ...base, connectedOn: '2023-12-03' }, '2024-06-02', cfg)).toEqual(['new']);
    expect(categoriesOf({ ...base, connectedOn: '2023-12-02' }, '2024-06-02', cfg)).toEqual([]);
    expect(categoriesOf({ ...base, primaryAdvanceUntil: '2024-08-01' }, '2024-06-02', cfg)).toEqual(['new']);
    expect(categoriesOf({ ...base, primaryAdvanceUntil: '2024-08-02' }, '2024-06-02', cfg)).toEqual([]);
    expect(categoriesOf({ ...base, primaryAdvanceUntil: '2024-06-01' }, '2024-06-02', cfg)).toEqual([]);
  });

  it('reads the double and retention flags', () => {
    expect(categoriesOf({ ...base, flags: ['double', 'retention'] }, '2024-06-02', cfg)).toEqual(['double', 'retention']);
  });

  it('finds low activity: no logins in 4 weeks, or a fall of 50 % against the 8 weeks before', () => {
    const c = cfg.categories;
    expect(isLowActivity([0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9], c)).toBe(true);
    expect(isLowActivity([2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4], c)).toBe(true);
    expect(isLowActivity([2, 2, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4], c)).toBe(false);
    expect(isLowActivity([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], c)).toBe(false);
    expect(categoriesOf({ ...base, weeklyLogins: [0, 0, 0, 0] }, '2024-06-02', cfg)).toEqual(['low_activity']);
    // Usage data stale: no verdict on activity.
    expect(categoriesOf({ ...base, weeklyLogins: null }, '2024-06-02', cfg)).toEqual([]);
  });
});

describe('health configuration', () => {
  it('refuses bad health settings, naming the key', () => {
    expect(() => loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides: { risk: { staleAfterDays: { contacts: 0 } } } })).toThrow(
      /risk\.staleAfterDays\.contacts: Too small/,
    );
    expect(() =>
      loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides: { risk: { zones: { dynamicFrom: 0.4, highFrom: 0.34 } } } }),
    ).toThrow(/zones\.dynamicFrom must not exceed zones\.highFrom/);
    expect(() =>
      loadConfig({ env: { CHURNGUARD_RUN: 'test' }, overrides: { signals: { workday: { start: '9:00', end: '18:00' } } } }),
    ).toThrow(/signals\.workday\.start: expected a time HH:MM/);
  });
});
