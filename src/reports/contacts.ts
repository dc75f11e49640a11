/**
 * «Контактные лица (ЛПР, ЛВПР)»: per client and remote specialist, whether the client has an
 * ЛПР, an ЛВПР and a key user, and whether each can be reached by e-mail with consent — so
 * the desk sees whom it cannot reach. `--problems` keeps only clients with a gap.
 */
import { listServedClients } from '../db/clients.js';
import { addressProblems, type RoleCoverage, roleCoverage } from '../db/contacts.js';
import { isLeaving, LEAVING_TITLE } from '../domain/client-states.js';
import { textOption } from './options.js';
import type { Report, ReportColumn, ReportDefinition, ReportRow } from './types.js';

const ROLES = [
  { role: 'lpr', title: 'ЛПР' },
  { role: 'lvpr', title: 'ЛВПР' },
  { role: 'key_user', title: 'Ключевой пользователь' },
] as const;

const yesNo = (b: boolean | undefined) => (b ? 'Да' : 'Нет');

/** What stops the desk from reaching a client's key people, in the desk's words. */
function gaps(cov: Map<string, RoleCoverage>): string[] {
  const out: string[] = [];
  for (const { role, title } of ROLES) {
    const c = cov.get(role);
    if (!c) out.push(`нет ${title}`);
    else if (!c.usable_email) out.push(`${title}: нет e-mail`);
    else if (!c.reachable) out.push(`${title}: нет согласия на рассылку`);
  }
  return out;
}

export const contactsReport: ReportDefinition = {
  name: 'contacts',
  title: 'Контактные лица клиентов (ЛПР, ЛВПР)',
  description: 'decision makers, influencers and key users per client, and whether they can be reached (Контактные лица (ЛПР, ЛВПР))',
  usage: 'report contacts [--department NAME] [--problems]',
  options: { department: { type: 'string' }, problems: { type: 'boolean' } },
  async build(app, values) {
    const department = textOption(values, 'department');
    const clients = await listServedClients(app.pool, department);
    const coverage = await roleCoverage(
      app.pool,
      clients.map((c) => c.id),
    );
    const byClient = new Map<number, Map<string, RoleCoverage>>();
    for (const c of coverage) {
      const m = byClient.get(c.client_id) ?? new Map<string, RoleCoverage>();
      m.set(c.role, c);
      byClient.set(c.client_id, m);
    }
    const columns: ReportColumn[] = [
      { key: 'client', header: 'Клиент' },
      { key: 'remote', header: 'Ответственный ДИС' },
      ...ROLES.flatMap(({ role, title }) => [
        { key: role, header: title },
        { key: `${role}_email`, header: `${title}: e-mail` },
        { key: `${role}_consent`, header: `${title}: согласие` },
      ]),
      { key: 'gaps', header: 'Не хватает' },
    ];
    const rowOf = (c: (typeof clients)[number]): ReportRow => {
      const cov = byClient.get(c.id) ?? new Map<string, RoleCoverage>();
      const row: ReportRow = { client: `${c.number} - ${c.name}`, remote: c.remote_name ?? '' };
      for (const { role } of ROLES) {
        const r = cov.get(role);
        row[role] = r ? r.names.join(', ') : 'нет';
        row[`${role}_email`] = r ? yesNo(r.usable_email) : '';
        row[`${role}_consent`] = r ? yesNo(r.reachable) : '';
      }
      row.gaps = gaps(cov).join('; ');
      return row;
    };
    const section = (list: typeof clients, title?: string): Report['sections'][number] => {
      let rows = list.map(rowOf);
      if (values.problems === true) rows = rows.filter((r) => r.gaps !== '');
      const count = (key: string) => rows.filter((r) => r[key] === 'Да').length;
      const totals: ReportRow = { client: `Итого: (${rows.length})`, gaps: `с пробелами: ${rows.filter((r) => r.gaps !== '').length}` };
      for (const { role } of ROLES) {
        totals[role] = `есть: ${rows.filter((r) => r[role] !== 'нет').length}`;
        totals[`${role}_email`] = `Да: ${count(`${role}_email`)}`;
        totals[`${role}_consent`] = `Да: ${count(`${role}_consent`)}`;
      }
      return { ...(title ? { title } : {}), columns, rows, totals };
    };
    // Leaving clients (liquidation, reorganisation) in their own group, not among the served.
    const leaving = clients.filter((c) => isLeaving(c.state));
    const sections: Report['sections'] = [section(clients.filter((c) => !isLeaving(c.state)))];
    if (leaving.length) sections.push(section(leaving, LEAVING_TITLE));
    if (values.problems === true) {
      // Each contact whose address cannot be written to, with why and its fix task.
      const label = new Map(clients.map((c) => [c.id, { client: `${c.number} - ${c.name}`, remote: c.remote_name ?? '' }]));
      const problems = await addressProblems(
        app.pool,
        clients.map((c) => c.id),
      );
      sections.push({
        title: 'Контактные лица с адресом e-mail, по которому нельзя писать',
        columns: [
          { key: 'client', header: 'Клиент' },
          { key: 'remote', header: 'Ответственный ДИС' },
          { key: 'full_name', header: 'Контактное лицо' },
          { key: 'roles', header: 'Роль' },
          { key: 'email', header: 'E-mail' },
          { key: 'reason', header: 'Причина' },
          { key: 'task', header: 'Задача «Исправить адрес e-mail в КИС»' },
        ],
        rows: problems.map((p) => ({
          ...label.get(p.client_id),
          full_name: p.full_name,
          roles: p.roles,
          email: p.email,
          reason: p.reason,
          task: p.task_state === 'open' ? 'открыта' : p.task_state === 'done' ? 'выполнена' : p.task_state ? 'отменена' : '',
        })),
        totals: { client: `Итого: (${problems.length})` },
      });
    }
    return {
      name: 'contacts',
      title: 'Контактные лица (ЛПР, ЛВПР)',
      subtitle: [app.config.ric.code, department ? `Подразделение: ${department}` : null].filter(Boolean).join(' · '),
      sections,
    };
  },
};
