/**
 * «Контактные лица (ЛПР, ЛВПР)»: per client and remote specialist, whether the client has an
 * ЛПР, an ЛВПР and a key user, and whether each can be reached by e-mail with consent — so
 * the desk sees whom it cannot reach. `--problems` keeps only clients with a gap.
 */
import { listServedClients } from '../db/clients.js';
import { type RoleCoverage, roleCoverage } from '../db/contacts.js';
import { textOption } from './options.js';
import type { ReportColumn, ReportDefinition, ReportRow } from './types.js';

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
    let rows: ReportRow[] = clients.map((c) => {
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
    });
    if (values.problems === true) rows = rows.filter((r) => r.gaps !== '');
    const count = (key: string) => rows.filter((r) => r[key] === 'Да').length;
    const totals: ReportRow = { client: `Итого: (${rows.length})`, gaps: `с пробелами: ${rows.filter((r) => r.gaps !== '').length}` };
    for (const { role } of ROLES) {
      totals[role] = `есть: ${rows.filter((r) => r[role] !== 'нет').length}`;
      totals[`${role}_email`] = `Да: ${count(`${role}_email`)}`;
      totals[`${role}_consent`] = `Да: ${count(`${role}_consent`)}`;
    }
    return {
      name: 'contacts',
      title: 'Контактные лица (ЛПР, ЛВПР)',
      subtitle: [app.config.ric.code, department ? `Подразделение: ${department}` : null].filter(Boolean).join(' · '),
      sections: [{ columns, rows, totals }],
    };
  },
};
