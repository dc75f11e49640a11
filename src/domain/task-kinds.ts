/**
 * The one table of the task kinds' (ПриЗ) and task states' Russian names: every page, e-mail,
 * report and admin listing that shows a task names its kind and state from here, never by its
 * code. A capability that adds a kind adds its name here (test/language/desk-language.test.ts
 * fails on a kind code shown to people).
 */
export const TASK_KIND_NAMES: Readonly<Record<string, string>> = {
  'lpr-call': 'Звонок ЛПР: обратная связь по письму',
  'lpr-call-only': 'Звонок ЛПР без письма',
  'lpr-verify-email': 'Уточнить e-mail ЛПР',
  'fix-email': 'Уточнить e-mail контактного лица',
  'fix-crm-email': 'Исправить адрес e-mail в КИС',
  'follow-up-call': 'Звонок по договорённости',
  'risk-review': 'Клиент с высоким риском отключения',
  playbook: 'Работа с группой клиентов высокого риска',
  signal: 'Сигнал об ухудшении ситуации с клиентом',
  'competitor-diagnostics': 'Диагностика и профилактика появления конкурентов',
  'competitor-comparison': 'Мероприятие по сравнению с системой конкурента',
  manual: 'Задание руководителя',
};

/** The kind's Russian name; a kind added by `task add --kind` without a name reads «Задание». */
export function taskKindName(kind: string): string {
  return TASK_KIND_NAMES[kind] ?? 'Задание';
}

/** `tasks.state` in Russian. */
export const TASK_STATE_NAMES: Readonly<Record<string, string>> = {
  open: 'открыта',
  done: 'выполнена',
  cancelled: 'отменена',
};

export function taskStateName(state: string): string {
  return TASK_STATE_NAMES[state] ?? state;
}
