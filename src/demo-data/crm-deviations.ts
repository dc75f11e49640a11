/**
 * The demo CRM's own «Фиксация отклонений»: the report КИС «Восточный экспресс» would export for
 * a week, in its OLAP layout (settings block naming the week, «Фильтры», the header, `Итого: (N)`,
 * a row per client and responsible employee, names and departments cut with `...`), Windows-1251
 * with CRLF. Its indicator is not the mean of the five columns — like the seed's client 204036
 * (all five at 0,50, indicator 0,36) it weighs the components its own way and compresses the
 * scale — so its zones differ from churnguard's for some clients, as in life.
 */
import iconv from 'iconv-lite';
import { periodRange } from '../domain/periods.js';

export interface CrmDeviationClient {
  number: number;
  name: string;
  /** Responsible employees as the CRM writes them (`Нелина А.Ю. (СИУ)`), with their departments. */
  employees: { name: string; department: string | null }[];
  /** Component scores in the report's order; null: the CRM shows an empty cell. */
  components: readonly (number | null)[];
}

// The CRM's weights (training, cabinet, decision maker, logins, seminars) and scale: all five at
// 0,50 give 0,36, all at 0,20 give 0,20 — the seed's figures.
const CRM_WEIGHTS = [1, 1, 1.5, 1, 0.5];
const SCALE = 0.16 / 0.3;

/** The CRM's indicator for the five component scores (null when none is given). */
export function crmIndicator(components: readonly (number | null)[]): number | null {
  let sum = 0;
  let weight = 0;
  components.forEach((c, i) => {
    if (c === null) return;
    sum += c * (CRM_WEIGHTS[i] ?? 1);
    weight += CRM_WEIGHTS[i] ?? 1;
  });
  if (!weight) return null;
  return Math.round((0.2 + (sum / weight - 0.2) * SCALE) * 100) / 100;
}

const ru = (x: number | null) => (x === null ? '' : x.toFixed(2).replace('.', ','));
const dmy = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}...` : s);

/** The report file's bytes for `week`. */
export function crmDeviationsFile(ric: string, week: string, clients: readonly CrmDeviationClient[]): Buffer {
  const { start, end } = periodRange('isoweek', week);
  const header = [
    'Описание',
    'Сотрудник (упр)',
    'Подразделе...',
    'Обучение (-)',
    'Использование ЛК (-)',
    'Контакт с ЛПР (-)',
    'Нет входов в систему (-)',
    'Посещение семинаров (-)',
    'Индикатор (-)',
  ];
  const rows: string[] = [];
  const totals = [0, 0, 0, 0, 0];
  let indicators = 0;
  let listed = 0;
  for (const c of clients) {
    const ind = crmIndicator(c.components);
    if (ind === null) continue;
    listed++;
    indicators += ind;
    const people = c.employees.length ? c.employees : [{ name: '', department: null }];
    for (const e of people) {
      c.components.forEach((v, i) => {
        totals[i] = (totals[i] ?? 0) + (v ?? 0);
      });
      rows.push(
        [
          `${String(c.number).padStart(6, '0')} - ${cut(c.name, 28)}`,
          e.name,
          cut(e.department ?? '', 24),
          ...c.components.map(ru),
          ru(ind),
        ].join('\t'),
      );
    }
  }
  const lines = [
    'ВОСТОЧНЫЙ ЭКСПРЕСС',
    'Фиксация отклонений',
    'OLAP-отчет по области расчета "Фиксация отклонений"',
    'Настройка [ФО - изменена]',
    'Разрез\tЗначение',
    `Р/Ц по клиенту\t${ric.replace('РИЦ', 'Р/Ц')}`,
    'НД Сотрудника (упр)\tОбслуживание',
    `Период\tНеделя с ${dmy(start)} по ${dmy(end)}`,
    '',
    'Фильтры',
    '',
    header.join('\t'),
    [
      `Итого: (${listed})`,
      '',
      '',
      ...totals.map((t) => ru(Math.round(t * 100) / 100)),
      ru(listed ? Math.round((indicators / listed) * 100) / 100 : null),
    ].join('\t'),
    ...rows,
  ];
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'win1251');
}
