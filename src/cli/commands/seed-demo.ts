import { DEFAULT_SEED, seedDemo } from '../../demo-data/seed-demo.js';
import { describeOutcome } from '../../imports/describe.js';
import { ImportFailed } from '../../imports/errors.js';
import { liveShareCounts, shareLines } from '../../reports/threshold-shares.js';
import { type Command, emit, int, str } from '../command.js';

export const seedDemoCommand: Command = {
  name: 'seed-demo',
  summary: 'записать вымышленный РИЦ файлами КИС (var/seed/) и загрузить их',
  usage: `seed-demo [--clients N] [--seed S] [--dir DIR] [--json]   (по умолчанию: 300 клиентов, seed ${DEFAULT_SEED})`,
  options: { clients: { type: 'string' }, seed: { type: 'string' }, dir: { type: 'string' } },
  async run(ctx, values) {
    const clients = int(values, 'clients', { min: 1, max: 100_000 }) ?? 300;
    const seed = int(values, 'seed', { min: 0 }) ?? DEFAULT_SEED;
    try {
      const app = ctx.app();
      const res = await seedDemo(app, { clients, seed, dir: str(values, 'dir') });
      // What each category and signal would cover in this RIC: the thresholds' effect at a glance.
      const shares = await liveShareCounts(app);
      emit(
        ctx,
        { ...res, shares },
        () =>
          `${res.outcomes.map(describeOutcome).join('\n')}\nфайлы в ${res.dir}\n` +
          `доля клиентов (категории — неделя ${shares.week}, сигналы — сейчас):\n${shareLines(shares)
            .map((l) => `  ${l}`)
            .join('\n')}\n`,
      );
      return 0;
    } catch (err) {
      if (!(err instanceof ImportFailed)) throw err;
      ctx.err(`${err.message}\nseed-demo: созданный файл не принят\n`);
      return 1;
    }
  },
};
