/** The columns of the CRM's «Работы» export (contact events), as the contact-events import reads them and the export and the demo write them. */
export const CRM_CONTACT_EVENT_COLUMNS: readonly string[] = [
  'Номер',
  'Номер клиента',
  'Контактное лицо',
  'Исполнитель',
  'Способ контакта',
  'Плановая дата',
  'Состояние',
  'Цель контакта',
  'Комментарий к действию',
  'Причина / результат',
];
