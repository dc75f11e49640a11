/**
 * «Контроль статистики использования онлайн-версии», laid out as the CRM's OLAP report:
 * `NNNNNN - Name`, the activity (Да / Нет), then one column per week headed
 * `с dd.mm.yyyy по dd.mm.yyyy` (the first and last clipped to the range) with the logins of
 * that week, and the totals row. Default range: the eight full weeks before today.
 */

import { now } from '../clock.js';
import { listServedClients } from '../db/clients.js';
import { weeklyLogins } from '../db/online-usage.js';
import { isLeaving, LEAVING_TITLE } from '../domain/client-states.js';
import { addDays, localDate, weekdayOf } from '../domain/dates.js';
import { ruDate } from '../domain/formats.js';
import { UsageError } from '../domain/options.js';
import { monthOfYear } from '../domain/ru.js';
import { dateOption, textOption } from './options.js';
import type { Report, ReportColumn, ReportDefinition, ReportRow } from './types.js';

const DEFAULT_WEEKS = 8;

/** The weeks (Monday–Sunday) meeting [from, to], each clipped to it. */
export function weekColumns(from: string, to: string): { key: string; monday: string; start: string; end: string }[] {
  const out = [];
  for (let monday = addDays(from, 1 - weekdayOf(from)); monday <= to; monday = addDays(monday, 7)) {
    const start = monday < from ? from : monday;
    const sunday = addDays(monday, 6);
    out.push({ key: `w${monday}`, monday, start, end: sunday > to ? to : sunday });
  }
  return out;
}

export const onlineUsageReport: ReportDefinition = {
  name: 'online-usage',
  title: 'Контроль статистики использования онлайн-версии',
  description: 'logins to the online version per client and week (Контроль статистики использования онлайн-версии)',
  usage: 'report online-usage [--from DATE] [--to DATE] [--department NAME]',
  options: { from: { type: 'string' }, to: { type: 'string' }, department: { type: 'string' } },
  async build(app, values) {
    const today = localDate(now(), app.config.ric.timeZone);
    const lastSunday = addDays(today, -weekdayOf(today));
    const to = dateOption(values, 'to') ?? lastSunday;
    const from = dateOption(values, 'from') ?? addDays(to, -7 * DEFAULT_WEEKS + 1);
    if (from > to) throw new UsageError(`--from: ${ruDate(from)} позже --to ${ruDate(to)}`);
    if (weekColumns(from, to).length > 106) throw new UsageError('--from … --to: больше двух лет (выберите период короче)');
    const department = textOption(values, 'department');
    const clients = await listServedClients(app.pool, department);
    const weeks = weekColumns(from, to);
    const logins = await weeklyLogins(
      app.pool,
      from,
      to,
      clients.map((c) => c.id),
    );
    const byClient = new Map<number, Map<string, number>>();
    for (const l of logins) {
      const m = byClient.get(l.client_id) ?? new Map<string, number>();
      m.set(l.week_start, l.logins);
      byClient.set(l.client_id, m);
    }
    const columns: ReportColumn[] = [
      { key: 'client', header: 'Описание' },
      { key: 'active', header: 'Активность' },
      ...weeks.map((w) => ({ key: w.key, header: `с ${ruDate(w.start)} по ${ruDate(w.end)}`, type: 'number' as const })),
    ];
    const section = (list: typeof clients, title: string): Report['sections'][number] => {
      const rows: ReportRow[] = list.map((c) => {
        const m = byClient.get(c.id);
        const row: ReportRow = {
          client: `${c.number} - ${c.name}`,
          active: c.online_active === null ? '' : c.online_active ? 'Да' : 'Нет',
        };
        for (const w of weeks) row[w.key] = m?.get(w.monday) ?? 0;
        return row;
      });
      const totals: ReportRow = { client: `Итого: (${rows.length})`, active: '' };
      for (const w of weeks) totals[w.key] = rows.reduce((s, r) => s + (r[w.key] as number), 0);
      return { title, columns, rows, totals };
    };
    // Leaving clients (liquidation, reorganisation) in their own group, not among the served.
    const leaving = clients.filter((c) => isLeaving(c.state));
    const sections = [
      section(
        clients.filter((c) => !isLeaving(c.state)),
        'Количество входов',
      ),
    ];
    if (leaving.length) sections.push(section(leaving, `Количество входов: ${LEAVING_TITLE.toLowerCase()}`));
    const subtitle = [
      from.slice(0, 7) === to.slice(0, 7) ? monthOfYear(from.slice(0, 7)) : `с ${ruDate(from)} по ${ruDate(to)}`,
      app.config.ric.code,
      department ? `Подразделение: ${department}` : null,
    ]
      .filter(Boolean)
      .join(' · ');
    return {
      name: 'online-usage',
      title: 'Контроль статистики использования онлайн-версии',
      subtitle,
      sections,
    };
  },
};
