/** `signal ack <id> [--by NAME]`: the field specialist confirms a signal reached them (stops escalation). */
import { now } from '../../clock.js';
import { acknowledgeSignal } from '../../db/signals.js';
import { ruDateTime } from '../../domain/formats.js';
import { type Command, emit, str, UsageError } from '../command.js';

export const signalAckCommand: Command = {
  name: 'signal ack',
  summary: 'принять сигнал об ухудшении в работу (его не передадут руководителю)',
  usage: 'signal ack <signal-id> [--by NAME] [--json]',
  options: { by: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [raw]) {
    if (!raw || !/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw new UsageError(`«${raw ?? ''}» — не номер сигнала`);
    const id = Number(raw);
    const by = str(values, 'by') ?? 'администратор';
    if (!by.trim()) throw new UsageError('--by: пустое имя');
    const res = await acknowledgeSignal(ctx.app().pool, id, by.trim(), now());
    if (res.kind === 'missing') throw new Error(`сигнал № ${id} не найден`);
    const tz = ctx.config.ric.timeZone;
    emit(ctx, { id, status: res.kind, acknowledgedAt: res.row.acknowledged_at, acknowledgedBy: res.row.acknowledged_by }, () =>
      res.kind === 'acknowledged'
        ? `Сигнал № ${id}: принят в работу, ${res.row.acknowledged_by}, ${ruDateTime(res.row.acknowledged_at, tz)}\n`
        : `Сигнал № ${id}: уже был принят в работу, ${res.row.acknowledged_by}, ${ruDateTime(res.row.acknowledged_at, tz)}\n`,
    );
    return 0;
  },
};
