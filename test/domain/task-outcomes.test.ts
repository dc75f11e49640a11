/** The one registry of task outcomes that the admin script, the task API and the diary read. */
import { describe, expect, it } from 'vitest';
import { DIAGNOSTICS_KIND } from '../../src/domain/diagnostics.js';
import { OUTCOME_NAMES, type OutcomeDef, outcomeDef, outcomesFor, storedOutcomeTitle } from '../../src/domain/task-outcomes.js';

const CONTACT = ['held', 'held-with-login', 'not-reached', 'refused'];

describe('task outcomes', () => {
  it('gives every kind without outcomes of its own the contact outcomes of the CRM', () => {
    expect(OUTCOME_NAMES).toEqual([...CONTACT, 'no-competitor', 'competitor-found']);
    for (const kind of ['lpr-call', 'risk-review', 'signal', 'fix-email', 'competitor-comparison', 'anything']) {
      expect(outcomesFor(kind)).toEqual(CONTACT);
    }
    expect(storedOutcomeTitle('held_with_login')).toBe('Контакт состоялся с входом');
    expect(storedOutcomeTitle('recovered')).toBe('recovered');
  });

  it('gives a competitor-diagnostics task only its own two outcomes, which record no contact event', () => {
    expect(outcomesFor(DIAGNOSTICS_KIND)).toEqual(['no-competitor', 'competitor-found']);
    expect(outcomeDef('competitor-found')).toMatchObject({ taskOutcome: 'competitor_found', event: null, title: 'Выявлен конкурент' });
    expect(storedOutcomeTitle('no_competitor')).toBe('Конкурент не выявлен');
  });

  it('reads any registry the same way (a kind with outcomes of its own gets only those)', () => {
    const registry: Record<string, OutcomeDef> = {
      held: { title: 'Контакт состоялся', taskOutcome: 'held', event: 'held' },
      'call-back': { title: 'Перезвонить', taskOutcome: 'call_back', event: 'not_held', kinds: ['callback'] },
    };
    expect(outcomesFor('callback', registry)).toEqual(['call-back']);
    expect(outcomesFor('lpr-call', registry)).toEqual(['held']);
  });
});
