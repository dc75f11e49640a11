/** `signal ack <id> [--by NAME]`: the field specialist confirms a signal reached them (stops escalation). */
import { now } from '../../clock.js';
import { acknowledgeSignal } from '../../db/signals.js';
import { ruDateTime } from '../../domain/formats.js';
import { type Command, emit, str, UsageError } from '../command.js';

export const signalAckCommand: Command = {
  name: 'signal ack',
  summary: 'acknowledge a worsening signal (stops its escalation)',
  usage: 'signal ack <signal-id> [--by NAME] [--json]',
  options: { by: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [raw]) {
    if (!raw || !/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw new UsageError(`signal id: "${raw ?? ''}" is not a signal number`);
    const id = Number(raw);
    const by = str(values, 'by') ?? 'admin';
    if (!by.trim()) throw new UsageError('--by: empty name');
    const res = await acknowledgeSignal(ctx.app().pool, id, by.trim(), now());
    if (res.kind === 'missing') throw new Error(`signal ${id} not found`);
    const tz = ctx.config.ric.timeZone;
    emit(ctx, { id, status: res.kind, acknowledgedAt: res.row.acknowledged_at, acknowledgedBy: res.row.acknowledged_by }, () =>
      res.kind === 'acknowledged'
        ? `signal ${id}: acknowledged by ${res.row.acknowledged_by} at ${ruDateTime(res.row.acknowledged_at, tz)}\n`
        : `signal ${id}: already acknowledged by ${res.row.acknowledged_by} at ${ruDateTime(res.row.acknowledged_at, tz)}\n`,
    );
    return 0;
  },
};
