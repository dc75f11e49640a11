/**
 * Russian names of the task kinds (ПриЗ) the jobs create, as the diary shows them. A kind not
 * listed here is shown by its code; capabilities that add a kind add its name here.
 */
export const TASK_KIND_NAMES: Readonly<Record<string, string>> = {
  'lpr-call': 'Звонок ЛПР: обратная связь по письму',
  'lpr-verify-email': 'Уточнить e-mail ЛПР',
  'fix-email': 'Уточнить e-mail контактного лица',
  'fix-crm-email': 'Исправить адрес e-mail в КИС',
  'risk-review': 'Клиент с высоким риском отключения',
  signal: 'Сигнал об ухудшении ситуации с клиентом',
  'competitor-diagnostics': 'Диагностика и профилактика появления конкурентов',
  'competitor-comparison': 'Мероприятие по сравнению с системой конкурента',
};

export function taskKindName(kind: string): string {
  return TASK_KIND_NAMES[kind] ?? kind;
}
