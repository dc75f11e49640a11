import { ensureDatabase, migrate } from '../../db/migrate.js';
import { count } from '../../domain/ru.js';
import { type Command, emit } from '../command.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'создать базу данных, если её нет, и применить новые миграции',
  usage: 'migrate [--json]',
  async run(ctx) {
    const created = await ensureDatabase(ctx.config.env.databaseUrl);
    const res = await migrate(ctx.app().pool);
    const db = new URL(ctx.config.env.databaseUrl).pathname.slice(1);
    emit(ctx, { database: db, created, ...res }, () => {
      const lines = [];
      if (created) lines.push(`база данных ${db} создана`);
      lines.push(
        res.applied.length
          ? `применены миграции: ${res.applied.join(', ')}`
          : `база в актуальном состоянии (${count(res.alreadyApplied, ['миграция', 'миграции', 'миграций'])})`,
      );
      return `${lines.join('\n')}\n`;
    });
    return 0;
  },
};
