/**
 * The jobs, their runs' states and triggers as the desk reads them (the overview's «Журнал
 * запусков заданий», `admin status`): Russian names, never the codes. A job added to the
 * registry adds its name here (test/language/desk-language.test.ts fails on a code shown).
 */
export const JOB_NAMES: Readonly<Record<string, string>> = {
  housekeeping: 'Обслуживание прерванных отправок',
  'send-email': 'Отправка письма',
  'import-inbox': 'Загрузка выгрузок КИС из папки',
  'lpr-monthly': 'Ежемесячное письмо ЛПР',
  'lpr-call-tasks': 'Звонки ЛПР после письма',
  'click-check': 'Проверка переходов по ссылкам',
  'delivery-check': 'Контроль доставки писем',
  'risk-score': 'Расчёт индикатора (фиксация отклонений)',
  'signals-scan': 'Поиск сигналов об ухудшении ситуации',
  'signal-escalation': 'Передача неподтверждённых сигналов руководителю',
  'competitor-diagnostics': 'Диагностика и профилактика появления конкурентов',
  'diagnostics-control': 'Контроль диагностики конкурентов',
  plan: 'План дня: визиты и сроки',
  'crm-export': 'Выгрузка работ и задач для КИС',
};

export function jobName(job: string): string {
  return JOB_NAMES[job] ?? job;
}

export const RUN_STATE_NAMES: Readonly<Record<string, string>> = {
  running: 'выполняется',
  completed: 'выполнено',
  failed: 'ошибка',
  skipped: 'пропущено',
};

export function runStateName(state: string): string {
  return RUN_STATE_NAMES[state] ?? state;
}

export const TRIGGER_NAMES: Readonly<Record<string, string>> = {
  schedule: 'по расписанию',
  admin: 'вручную',
  'catch-up': 'после перерыва',
  event: 'по событию',
};

export function triggerName(trigger: string): string {
  return TRIGGER_NAMES[trigger] ?? trigger;
}
