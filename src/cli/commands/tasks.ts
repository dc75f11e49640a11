import { listTasks } from '../../db/tasks.js';
import { count } from '../../domain/ru.js';
import { taskKindName, taskStateName } from '../../domain/task-kinds.js';
import { formatTable } from '../../reports/render.js';
import { type Command, emit, int, str } from '../command.js';

export const tasksCommand: Command = {
  name: 'tasks',
  summary: 'задачи, поставленные заданиями (ПриЗ): клиент, исполнитель, вид, состояние, срок',
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
    // The table is for people: kinds and states in Russian; --json keeps the codes.
    const rows = tasks.map((t) => ({ ...t, kind: taskKindName(t.kind), state: taskStateName(t.state) }));
    emit(
      ctx,
      tasks,
      () =>
        `${formatTable(
          [
            { key: 'id', header: '№', type: 'int' },
            { key: 'client_number', header: 'Клиент' },
            { key: 'assignee_name', header: 'Исполнитель' },
            { key: 'kind', header: 'Вид' },
            { key: 'state', header: 'Состояние' },
            { key: 'due_at', header: 'Срок', type: 'datetime' },
            { key: 'title', header: 'Задача' },
          ],
          rows,
          ctx.config.ric.timeZone,
        )}\n${count(tasks.length, ['задача', 'задачи', 'задач'])}\n`,
    );
    return 0;
  },
};
