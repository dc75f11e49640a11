/**
 * `task add --client N --assignee NAME --title T [--due YYYY-MM-DD] [--kind K] [--by NAME]`: a
 * task set by a person (the team lead), recorded with who set it and when.
 */

import { now } from '../../clock.js';
import { withTransaction } from '../../db/pool.js';
import { ALL, scopedClientByNumber } from '../../db/scope.js';
import { createManualTask, findEmployee } from '../../db/task-steering.js';
import { dueOn, localDate, parseIsoDate } from '../../domain/dates.js';
import { dmy } from '../../domain/ru-dates.js';
import { type Command, emit, str, UsageError } from '../command.js';

export const taskAddCommand: Command = {
  name: 'task add',
  summary: 'поставить задачу сотруднику (задача руководителя), с отметкой, кто поставил',
  usage: 'task add --client N --assignee NAME --title TEXT [--due YYYY-MM-DD] [--kind K] [--by NAME] [--json]',
  options: {
    client: { type: 'string' },
    assignee: { type: 'string' },
    title: { type: 'string' },
    due: { type: 'string' },
    kind: { type: 'string' },
    by: { type: 'string' },
  },
  async run(ctx, values) {
    const clientRaw = str(values, 'client');
    if (!clientRaw || !/^\d{1,9}$/.test(clientRaw)) throw new UsageError(`--client: «${clientRaw ?? ''}» — не номер клиента`);
    const assignee = str(values, 'assignee')?.trim();
    if (!assignee) throw new UsageError('нужен параметр --assignee ИМЯ');
    const title = str(values, 'title')?.trim();
    if (!title) throw new UsageError('нужен параметр --title ТЕКСТ');
    if (title.length > 4000) throw new UsageError('--title: длиннее 4000 знаков');
    const kind = str(values, 'kind')?.trim() || 'manual';
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(kind)) throw new UsageError(`--kind: «${kind}» — не вид задачи (например, manual, training)`);
    const dueRaw = str(values, 'due');
    const tz = ctx.config.ric.timeZone;
    let due: Date | null = null;
    if (dueRaw !== undefined) {
      try {
        parseIsoDate(dueRaw);
      } catch (err) {
        throw new UsageError(`--due: ${(err as Error).message}`);
      }
      if (dueRaw < localDate(now(), tz)) throw new UsageError(`--due: ${dueRaw} уже прошло`);
      due = dueOn(dueRaw, ctx.config.signals.workday.end, tz);
    }
    const byName = str(values, 'by')?.trim() || 'admin';
    const app = ctx.app();
    const client = await scopedClientByNumber(app.pool, ALL, Number(clientRaw));
    if (!client) throw new UsageError(`--client: клиента с номером ${clientRaw} нет`);
    const people = await findEmployee(app.pool, assignee);
    if (people.length !== 1)
      throw new UsageError(
        people.length
          ? `--assignee: под «${assignee}» подходят ${people.map((p) => p.name).join(', ')}; укажите полное имя`
          : `--assignee: работающего сотрудника «${assignee}» нет`,
      );
    const to = people[0] as { id: number; name: string };
    const byPeople = byName === 'admin' ? [] : await findEmployee(app.pool, byName);
    const by = byPeople.length === 1 ? (byPeople[0] as { id: number; name: string }) : { id: null, name: byName };
    const at = now();
    const id = await withTransaction(app.pool, (db) =>
      createManualTask(
        db,
        {
          kind,
          direction: 'remote_contact',
          title,
          assigneeId: to.id,
          clientId: client.id,
          plannedAt: at,
          dueAt: due,
          priority: 2,
        },
        by,
        at,
      ),
    );
    emit(
      ctx,
      { id, assignee: to.name, by: by.name, dueAt: due },
      () => `Задача № ${id} поставлена: исполнитель ${to.name}, поставил ${by.name}${due ? `, срок ${dmy(dueRaw as string)}` : ''}\n`,
    );
    return 0;
  },
};
