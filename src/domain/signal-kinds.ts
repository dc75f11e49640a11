/**
 * Worsening signals («Признаки, указывающие на ухудшение ситуации с клиентом») — each goes to
 * the client's field (ТС) specialist at once: «Важна скорость реакции на сигнал двух отделов!»
 */

export type SignalKind =
  | 'payment_decline'
  | 'no_key_contact'
  | 'calls_without_login'
  | 'activity_drop'
  | 'services_unused'
  | 'key_person_change'
  | 'reorganization'
  | 'liquidation'
  /** Raised by the competitor diagnostics (a competitor's system found at the client). */
  | 'competitor';

/** The seed's wording of each signal. */
export const SIGNAL_TITLES: Readonly<Record<SignalKind, string>> = {
  payment_decline: 'Снижение платежеспособности',
  no_key_contact: 'Отсутствие контакта с ключевым пользователем, ЛПР, ЛВПР',
  calls_without_login: 'Не заходит в систему при плановом звонке',
  activity_drop: 'Отсутствие/снижение активности онлайн-комплекта',
  services_unused: 'Не пользуется сервисами (вебинары, курсы, ГЛ, ЛК)',
  key_person_change: 'Смена ключевого пользователя, ЛПР, ЛВПР',
  reorganization: 'Реорганизация',
  liquidation: 'Ликвидация',
  competitor: 'Выявлен конкурент',
};

export const SIGNAL_KINDS = Object.keys(SIGNAL_TITLES) as SignalKind[];

export function isSignalKind(s: string): s is SignalKind {
  return s in SIGNAL_TITLES;
}
