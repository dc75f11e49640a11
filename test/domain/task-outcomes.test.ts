/** The one registry of task outcomes that the admin script, the task API and the diary read. */
import { describe, expect, it } from 'vitest';
import { OUTCOME_NAMES, type OutcomeDef, outcomesFor, storedOutcomeTitle } from '../../src/domain/task-outcomes.js';

describe('task outcomes', () => {
  it('gives every kind without outcomes of its own the contact outcomes of the CRM', () => {
    expect(OUTCOME_NAMES).toEqual(['held', 'held-with-login', 'not-reached', 'refused']);
    for (const kind of ['lpr-call', 'risk-review', 'signal', 'fix-email', 'anything']) expect(outcomesFor(kind)).toEqual(OUTCOME_NAMES);
    expect(storedOutcomeTitle('held_with_login')).toBe('Контакт состоялся с входом');
    expect(storedOutcomeTitle('recovered')).toBe('recovered');
  });

  it('gives a kind with outcomes of its own only those (how competitor diagnostics plugs in)', () => {
    const registry: Record<string, OutcomeDef> = {
      held: { title: 'Контакт состоялся', taskOutcome: 'held', event: 'held' },
      refused: { title: 'Отказ от контакта', taskOutcome: 'refused', event: 'refused' },
      'no-competitor': { title: 'Конкурент не выявлен', taskOutcome: 'no_competitor', event: 'held', kinds: ['competitor-diagnostics'] },
      'competitor-found': { title: 'Выявлен конкурент', taskOutcome: 'competitor_found', event: 'held', kinds: ['competitor-diagnostics'] },
    };
    expect(outcomesFor('competitor-diagnostics', registry)).toEqual(['no-competitor', 'competitor-found']);
    expect(outcomesFor('lpr-call', registry)).toEqual(['held', 'refused']);
  });
});
