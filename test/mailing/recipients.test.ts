/** The selection rules and the variant choice, as pure functions. */
import { describe, expect, it } from 'vitest';
import { problemAreaOf } from '../../src/domain/audiences.js';
import { checkEmail, isValidEmail, needsSmtpUtf8 } from '../../src/domain/email-address.js';
import {
  type Candidate,
  chooseVariant,
  EXCLUSION_TEXT,
  judge,
  monthsBetween,
  parseVariantKey,
  selectRecipients,
} from '../../src/domain/recipients.js';

const rules = { period: '2024-06', includeLvpr: false, defaultFrequencyMonths: 1, hookAreas: ['inspections', 'tenders_courts'] as const };

function c(over: Partial<Candidate> = {}): Candidate {
  return {
    contactId: 1,
    clientId: 1,
    clientServed: true,
    isLpr: true,
    isLvpr: false,
    isSystemUser: false,
    email: 'director@client.example',
    consent: true,
    unsubscribed: false,
    suppressed: false,
    active: true,
    frequencyMonths: null,
    positionType: 'manager',
    problemAreas: [],
    lastPeriod: null,
    ...over,
  };
}

describe('recipients', () => {
  it('takes decision makers of served clients with a valid address and consent, and says why not otherwise', () => {
    expect(judge(c(), rules)).toMatchObject({ ok: true, variant: { key: 'non-user.manager' } });
    expect(judge(c({ clientServed: false }), rules)).toEqual({ ok: false, reason: 'client_not_served' });
    expect(judge(c({ isLpr: false, isLvpr: true }), rules)).toEqual({ ok: false, reason: 'not_decision_maker' });
    expect(judge(c({ isLpr: false, isLvpr: true }), { ...rules, includeLvpr: true }).ok).toBe(true);
    expect(judge(c({ email: null }), rules)).toEqual({ ok: false, reason: 'no_email' });
    expect(judge(c({ email: 'director@client' }), rules)).toEqual({ ok: false, reason: 'invalid_email' });
    expect(judge(c({ consent: false }), rules)).toEqual({ ok: false, reason: 'no_consent' });
    expect(judge(c({ unsubscribed: true }), rules)).toEqual({ ok: false, reason: 'unsubscribed' });
    expect(judge(c({ suppressed: true }), rules)).toEqual({ ok: false, reason: 'suppressed' });
    expect(judge(c({ active: false }), rules)).toEqual({ ok: false, reason: 'inactive' });
  });

  it('counts an unknown ЛПР role (export without the column) and a leaving client apart', () => {
    expect(judge(c({ isLpr: null, isLvpr: null }), rules)).toEqual({ ok: false, reason: 'lpr_role_unknown' });
    expect(judge(c({ clientLeaving: true }), rules)).toEqual({ ok: false, reason: 'client_leaving' });
    expect(judge(c({ consent: null }), rules)).toEqual({ ok: false, reason: 'no_consent' });
    expect(EXCLUSION_TEXT.lpr_role_unknown).toBe('нет данных о роли ЛПР');
  });

  it('is due by the contact frequency: monthly by default, never twice inside the window', () => {
    expect(judge(c({ lastPeriod: '2024-05' }), rules).ok).toBe(true);
    expect(judge(c({ lastPeriod: '2024-06' }), rules)).toEqual({ ok: false, reason: 'not_due' });
    expect(judge(c({ lastPeriod: '2024-04', frequencyMonths: 3 }), rules)).toEqual({ ok: false, reason: 'not_due' });
    expect(judge(c({ lastPeriod: '2024-03', frequencyMonths: 3 }), rules).ok).toBe(true);
    expect(judge(c({ lastPeriod: '2023-12', frequencyMonths: 6 }), rules).ok).toBe(true);
    expect(monthsBetween('2023-11', '2024-02')).toBe(3);
  });

  it('gives users the news hook of their first area the month has, by position type', () => {
    expect(
      chooseVariant(c({ isSystemUser: true, positionType: 'lawyer', problemAreas: ['Торги', 'Проверки ГИТ'] }), rules.hookAreas).key,
    ).toBe('hook.tenders_courts.lawyer');
    expect(chooseVariant(c({ isSystemUser: true, problemAreas: ['лизинг'] }), rules.hookAreas).key).toBe('hook.inspections.manager');
    expect(chooseVariant(c({ isSystemUser: false, positionType: null, problemAreas: ['торги'] }), rules.hookAreas).key).toBe(
      'non-user.other',
    );
    expect(parseVariantKey('hook.tenders_courts.lawyer')).toEqual({
      key: 'hook.tenders_courts.lawyer',
      audience: 'user',
      positionType: 'lawyer',
      area: 'tenders_courts',
    });
    expect(() => parseVariantKey('hook.weather.lawyer')).toThrow(/unknown variant/);
    const s = selectRecipients([c(), c({ contactId: 2, consent: false }), c({ contactId: 3, isSystemUser: true })], rules);
    expect(s.perVariant).toEqual({ 'hook.inspections.manager': 1, 'non-user.manager': 1 });
    expect(s.excluded).toEqual({ no_consent: 1 });
  });

  it('maps Russian interests onto problem areas', () => {
    expect(problemAreaOf('Проверка контрагентов')).toBe('counterparty_checks');
    expect(problemAreaOf('проверки ГИТ, ФНС')).toBe('inspections');
    expect(problemAreaOf('Участие в торгах')).toBe('tenders_courts');
    expect(problemAreaOf('лицензии')).toBe('licences_leasing');
    expect(problemAreaOf('Вид деятельности')).toBe('line_of_business');
    expect(problemAreaOf('погода')).toBeNull();
  });

  it('accepts Cyrillic domains and internationalised local parts (RFC 6531), refuses broken addresses', () => {
    for (const ok of ['director@школа.рф', 'директор@школа.рф', 'директор@поплавский.рф', 'a.b+c@client.example', 'x@xn--80aswg.xn--p1ai'])
      expect(isValidEmail(ok), ok).toBe(true);
    for (const bad of ['a@@b.ru', 'a@b', 'a b@c.ru', '.a@c.ru', 'a..b@c.ru', 'a@-c.ru', 'a@c.r', 'дир\u0007ектор@школа.рф'])
      expect(isValidEmail(bad), bad).toBe(false);
  });

  it('says why an address cannot be written to', () => {
    expect(checkEmail('name@@domain.ru')).toEqual({ ok: false, reason: 'в адресе больше одного знака @' });
    expect(checkEmail('name.domain.ru')).toEqual({ ok: false, reason: 'в адресе нет знака @' });
    expect(checkEmail('name@domain')).toMatchObject({ ok: false, reason: expect.stringContaining('в домене нет точки') });
    expect(checkEmail('директор@поплавский.рф')).toEqual({ ok: true });
    expect(needsSmtpUtf8('директор@поплавский.рф')).toBe(true);
    expect(needsSmtpUtf8('director@поплавский.рф')).toBe(false);
  });
});
