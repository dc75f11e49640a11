/**
 * The call without the e-mail: a decision maker (ЛПР, or ЛВПР when included) who is due this
 * month but cannot be mailed — no address, an invalid one, no consent, unsubscribed, or an
 * address blocked after bounces — still gets the month's call. Pure: the selection's candidates
 * in, the call-only contacts with the reason out.
 */
import { type Candidate, EXCLUSION_TEXT, type Exclusion, judge, monthsBetween, type SelectionRules } from './recipients.js';

/** The reasons an otherwise selected decision maker gets no e-mail. */
export const CALL_ONLY_REASONS: readonly Exclusion[] = ['no_email', 'invalid_email', 'no_consent', 'unsubscribed', 'suppressed'];

export interface CallOnly<C extends Candidate> {
  candidate: C;
  reason: Exclusion;
}

export function callOnlyContacts<C extends Candidate>(candidates: readonly C[], rules: SelectionRules): CallOnly<C>[] {
  const out: CallOnly<C>[] = [];
  for (const c of candidates) {
    const j = judge(c, rules);
    if (j.ok || !CALL_ONLY_REASONS.includes(j.reason)) continue;
    const every = c.frequencyMonths ?? rules.defaultFrequencyMonths;
    if (c.lastPeriod !== null && monthsBetween(c.lastPeriod, rules.period) < every) continue;
    out.push({ candidate: c, reason: j.reason });
  }
  return out;
}

/** The call's script: why no e-mail was sent, and the request for an address and consent. */
export function callOnlyScript(reason: Exclusion, monthTitle: string): string {
  const ask =
    reason === 'unsubscribed'
      ? 'Уточните, удобно ли получать наши материалы по e-mail; если да — попросите согласие на рассылку заново.'
      : reason === 'no_consent'
        ? 'Попросите согласие на рассылку, чтобы присылать подборки и ТОП вопросы.'
        : 'Попросите актуальный адрес электронной почты и согласие на рассылку.';
  return [
    `Письмо за ${monthTitle} не отправлено: ${EXCLUSION_TEXT[reason]}.`,
    ask,
    'Какие вопросы вас интересуют? Что подготовить к следующему звонку?',
  ].join('\n');
}
