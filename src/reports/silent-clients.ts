/**
 * «Нет исходящих звонков за период»: served clients with no held contact of the desk (a work
 * in «Работы» in the state «Контакт состоялся», with or without login) in the last N days, with
 * their risk zone and monthly fee — the team lead's daily control list, riskiest and dearest
 * first. Every work the CRM exports is the desk's own action, so every one is outgoing.
 */

import { now } from '../clock.js';
import { addDays, localDate, zonedTime } from '../domain/dates.js';
import { int } from '../domain/options.js';
import { ZONE_NAMES, type Zone } from '../domain/risk-model.js';
import { dmy } from '../domain/ru-dates.js';
import { clientLabel } from '../health/alert-email.js';
import type { ReportDefinition, ReportRow } from './types.js';

interface Row {
  number: number;
  name: string;
  category: string;
  fee: number;
  remote: string | null;
  department: string | null;
  zone: Zone | null;
  indicator: number | null;
  last_held: Date | null;
  next_planned: Date | null;
}

export const silentClientsReport: ReportDefinition = {
  name: 'silent-clients',
  title: 'Нет исходящих звонков за период',
  description: 'Нет исходящих звонков за период: served clients without a held contact in N days, with zone and fee',
  usage: 'report silent-clients [--days 30]',
  options: { days: { type: 'string' } },
  forSpecialists: true,
  async build(app, values) {
    const tz = app.config.ric.timeZone;
    const days = int(values, 'days', { min: 1, max: 3660 }) ?? 30;
    const at = now();
    const today = localDate(at, tz);
    const since = zonedTime(addDays(today, -days + 1), 0, 0, tz);
    const { rows } = await app.pool.query<Row>(
      `WITH last_week AS (SELECT max(week) AS week FROM risk_scores)
       SELECT c.number, c.name, c.category, c.monthly_fee AS fee, e.name AS remote, d.name AS department,
              rs.zone, rs.indicator,
              (SELECT max(occurred_at) FROM contact_events x
                WHERE x.client_id = c.id AND x.outcome IN ('held', 'held_with_login')) AS last_held,
              (SELECT min(planned_at) FROM contact_events x
                WHERE x.client_id = c.id AND x.outcome = 'planned' AND x.planned_at >= $2) AS next_planned
         FROM served_clients c
         LEFT JOIN employees e ON e.id = c.remote_specialist_id
         LEFT JOIN departments d ON d.id = e.department_id
         LEFT JOIN risk_scores rs ON rs.client_id = c.id AND rs.week = (SELECT week FROM last_week)
        WHERE NOT EXISTS (SELECT 1 FROM contact_events x
                           WHERE x.client_id = c.id AND x.outcome IN ('held', 'held_with_login') AND x.occurred_at >= $1)
        ORDER BY CASE rs.zone WHEN 'high' THEN 0 WHEN 'dynamic' THEN 1 WHEN 'none' THEN 2 ELSE 3 END, c.monthly_fee DESC, c.number`,
      [since, at],
    );
    const out: ReportRow[] = rows.map((r) => ({
      client: clientLabel(r),
      category: r.category,
      remote: r.remote ?? 'не назначен',
      department: r.department ?? '',
      fee: r.fee,
      zone: r.zone ? ZONE_NAMES[r.zone] : 'нет расчёта',
      indicator: r.indicator,
      last_held: r.last_held,
      silent_days: r.last_held ? Math.floor((at.getTime() - r.last_held.getTime()) / 86_400_000) : null,
      next_planned: r.next_planned,
    }));
    const high = rows.filter((r) => r.zone === 'high').length;
    return {
      name: 'silent-clients',
      title: 'Нет исходящих звонков за период',
      subtitle: `${app.config.ric.code}, за ${days} дн. (с ${dmy(addDays(today, -days + 1))} по ${dmy(today)})`,
      sections: [
        {
          columns: [
            { key: 'client', header: 'Клиент' },
            { key: 'category', header: 'Категория клиента' },
            { key: 'remote', header: 'Сотрудник (упр)' },
            { key: 'department', header: 'Подразделение' },
            { key: 'fee', header: 'Сумма ИО, р/мес', type: 'money' },
            { key: 'zone', header: 'Зона риска' },
            { key: 'indicator', header: 'Индикатор (-)', type: 'score' },
            { key: 'last_held', header: 'Последний состоявшийся контакт', type: 'date' },
            { key: 'silent_days', header: 'Дней без контакта', type: 'int' },
            { key: 'next_planned', header: 'Запланирован звонок', type: 'datetime' },
          ],
          rows: out,
          totals: {
            client: `Итого: (${rows.length})`,
            zone: `высокий риск: ${high}`,
            fee: Math.round(rows.reduce((s, r) => s + Number(r.fee), 0) * 100) / 100,
          },
          notes: ['Без даты последнего контакта — состоявшихся контактов нет совсем.'],
        },
      ],
    };
  },
};
