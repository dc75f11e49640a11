import { requeueUnknownMessages } from '../../db/messages.js';
import { requeueUnknownNotifications } from '../../db/notifications.js';
import { count } from '../../domain/ru.js';
import { getJob, JOBS } from '../../jobs/index.js';
import { LPR_KIND } from '../../jobs/lpr-monthly.js';
import { dispatchNotifications } from '../../mail/outbox.js';
import { dispatchMessages } from '../../mail/send-message.js';
import { type Command, emit, str, UsageError } from '../command.js';

const LETTERS: [string, string, string] = ['письмо', 'письма', 'писем'];

export const retryCommand: Command = {
  name: 'retry',
  summary: 'перезапустить упавшие задания очереди (последнее или --all); снова отправить письма с неизвестной судьбой',
  usage: 'retry <job> [--all] [--json]\nretry send-email --unknown [--json]\nretry lpr-monthly --unknown [--period YYYY-MM] [--json]',
  options: { all: { type: 'boolean' }, unknown: { type: 'boolean' }, period: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [name]) {
    const def = name ? getJob(name) : undefined;
    if (!def) throw new UsageError(`неизвестное задание «${name}» (известные задания: ${JOBS.map((j) => j.name).join(', ')})`);
    const app = ctx.app();
    if (values.unknown && def.name === LPR_KIND) {
      const period = str(values, 'period') ?? null;
      if (period !== null && !/^\d{4}-(0[1-9]|1[0-2])$/.test(period))
        throw new UsageError(`--period: «${period}» — не месяц (например, 2024-06)`);
      const ids = await requeueUnknownMessages(app.pool, LPR_KIND, period);
      await dispatchMessages(app, ids, { replace: true });
      emit(
        ctx,
        { job: def.name, period, requeued: ids },
        () => `${def.name}${period ? ` ${period}` : ''}: снова в очереди ${count(ids.length, LETTERS)} с неизвестной судьбой отправки\n`,
      );
      return 0;
    }
    if (values.unknown) {
      if (def.name !== 'send-email') throw new UsageError(`--unknown — только для send-email и ${LPR_KIND}`);
      const ids = await requeueUnknownNotifications(app.pool);
      await dispatchNotifications(app, ids, { replace: true });
      emit(ctx, { job: def.name, requeued: ids }, () => `снова в очереди ${count(ids.length, LETTERS)} с неизвестной судьбой отправки\n`);
      return 0;
    }
    const queue = app.queues.get(def.name);
    const failed = await queue.getFailed(0, values.all ? -1 : 0);
    for (const job of failed) await job.retry('failed');
    const ids = failed.map((j) => j.id);
    emit(ctx, { job: def.name, retried: ids }, () =>
      ids.length
        ? `${def.name}: перезапущено ${count(ids.length, ['упавшее задание', 'упавших задания', 'упавших заданий'])}: ${ids.join(', ')}\n`
        : `${def.name}: упавших заданий нет\n`,
    );
    return 0;
  },
};
