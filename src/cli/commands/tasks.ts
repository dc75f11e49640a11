import { listTasks } from '../../db/tasks.js';
import { formatTable } from '../../reports/render.js';
import { type Command, emit, int, str } from '../command.js';

export const tasksCommand: Command = {
  name: 'tasks',
  summary: 'tasks the jobs created (ПриЗ), with client, assignee, kind, state, due date',
  usage: 'tasks [--assignee NAME] [--kind K] [--state open|done|cancelled] [--client N] [--limit N] [--json]',
  options: {
    assignee: { type: 'string' },
    kind: { type: 'string' },
    state: { type: 'string' },
    client: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(ctx, values) {
    const tasks = await listTasks(ctx.app().pool, {
      assignee: str(values, 'assignee'),
      kind: str(values, 'kind'),
      state: str(values, 'state'),
      clientNumber: int(values, 'client', { min: 1 }),
      limit: int(values, 'limit', { min: 1 }) ?? 1000,
    });
    emit(
      ctx,
      tasks,
      () =>
        `${formatTable(
          [
            { key: 'id', header: 'id', type: 'int' },
            { key: 'client_number', header: 'client' },
            { key: 'assignee_name', header: 'assignee' },
            { key: 'kind', header: 'kind' },
            { key: 'state', header: 'state' },
            { key: 'due_at', header: 'due', type: 'datetime' },
            { key: 'title', header: 'title' },
          ],
          tasks,
          ctx.config.ric.timeZone,
        )}\n${tasks.length} task(s)\n`,
    );
    return 0;
  },
};
