/**
 * The demo CRM's own «Фиксация отклонений»: the report КИС «Восточный экспресс» would export for
 * a week, in its OLAP layout (settings block naming the week, «Фильтры», the header, `Итого: (N)`,
 * a row per client and responsible employee, names and departments cut with `...`), Windows-1251
 * with CRLF. Its indicator is not the mean of the five columns — like the seed's client 204036
 * (all five at 0,50, indicator 0,36) it compresses the scale and saturates — so its values
 * differ from churnguard's, while the source's own rows keep their zone (see crmIndicator).
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

// The CRM's own formula is not published, and its report shows the same five columns with
// different indicators (0,35, 0,36 and 0,37 for 0,20 · 0,50 · 0,50 · 0,20 · 0,50): it reads more
// than those columns. The demo's stand-in reproduces what matters, the report's zones: every one
// of the six distinct rows the source prints is «высокий риск» (≥ 0,34), all five at 0,50 give the
// seed's 0,36 and all at 0,20 give 0,20. It counts the components at risk (0,50 as one, 0,30 as
// half), as a share of those given; three of five at risk already saturate the scale at 0,36.
const LOW = 0.2;
const TOP = 0.36;
const SATURATE_AT = 3 / 5;

/** The CRM's indicator for the five component scores (null when none is given). */
export function crmIndicator(components: readonly (number | null)[]): number | null {
  const given = components.filter((c): c is number => c !== null);
  if (!given.length) return null;
  const atRisk = given.reduce((s, c) => s + (c >= 0.5 ? 1 : c >= 0.3 ? 0.5 : 0), 0) / given.length;
  return Math.round((LOW + (TOP - LOW) * Math.min(1, atRisk / SATURATE_AT)) * 100) / 100;
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
