/**
 * `employee token <name>`: a new sign-in token for the employee's diary (`GET /diary`), printed
 * once with its sign-in link. Only its hash is stored; issuing a new one revokes the old one
 * and signs the employee out everywhere.
 */
import { findEmployeesByName } from '../../db/diary-auth.js';
import { issueSignInToken } from '../../diary/sign-in.js';
import { count } from '../../domain/ru.js';
import { type Command, emit, UsageError } from '../command.js';

export const employeeTokenCommand: Command = {
  name: 'employee token',
  summary: 'выдать сотруднику ключ входа в Ежедневник (/diary); прежний перестаёт действовать',
  usage: 'employee token <имя> [--json]\n  имя: полное, как в выгрузке сотрудников, или часть, которая есть только у одного сотрудника',
  args: { min: 1, max: 8 },
  async run(ctx, _values, words) {
    const name = words.join(' ').trim();
    if (!name) throw new UsageError('укажите имя сотрудника, например «Иванов В.В.»');
    const app = ctx.app();
    const found = await findEmployeesByName(app.pool, name);
    if (!found.length) {
      ctx.err(`сотрудник «${name}» не найден (см. загрузки сотрудников: admin imports --kind employees)\n`);
      return 1;
    }
    if (found.length > 1) {
      ctx.err(
        `под «${name}» подходят ${count(found.length, ['сотрудник', 'сотрудника', 'сотрудников'])}; укажите полное имя:\n${found.map((e) => `  ${e.name}\n`).join('')}`,
      );
      return 1;
    }
    const employee = found[0] as (typeof found)[number];
    if (!employee.active) {
      ctx.err(`сотрудник «${employee.name}» не работает; ключ не выдан\n`);
      return 1;
    }
    const issued = await issueSignInToken(app, employee.id);
    emit(ctx, { employee: { id: employee.id, name: employee.name }, token: issued.token, url: issued.url }, () =>
      [
        `Ключ входа для ${employee.name}${employee.department ? ` (${employee.department})` : ''}; прежний больше не действует:`,
        `  ${issued.token}`,
        'Ссылка для входа (передайте только самому сотруднику):',
        `  ${issued.url}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
