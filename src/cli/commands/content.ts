import { now } from '../../clock.js';
import { readContentFolder } from '../../content/folder.js';
import { ContentError, type LoadedContent } from '../../content/load.js';
import { saveContent } from '../../db/contents.js';
import { getMailing } from '../../db/mailings.js';
import { withTransaction } from '../../db/pool.js';
import { periodName as monthName } from '../../domain/periods.js';
import { count } from '../../domain/ru.js';
import { LPR_KIND } from '../../jobs/lpr-monthly.js';
import { type Command, emit } from '../command.js';
import { monthArg } from './content-workbook.js';

const RESULTS: Readonly<Record<string, string>> = {
  inserted: 'загружено',
  updated: 'заменено',
  unchanged: 'без изменений (то же содержание уже загружено)',
};
const BYTES: [string, string, string] = ['байт', 'байта', 'байт'];

export const contentLoadCommand: Command = {
  name: 'content load',
  summary: 'загрузить содержание письма ЛПР за месяц (content/<ГГГГ-ММ>/: content.xlsx или content.json и PDF-подборки)',
  usage: 'content load <dir> [--period YYYY-MM] [--json]',
  options: { period: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run(ctx, values, [dir]) {
    let loaded: LoadedContent;
    const expected = typeof values.period === 'string' ? monthArg(values.period, '--period') : undefined;
    try {
      loaded = await readContentFolder(dir as string, { period: expected, maxXlsxBytes: ctx.config.lpr.maxContentXlsxBytes });
    } catch (err) {
      if (!(err instanceof ContentError)) throw err;
      if (ctx.json) ctx.out(`${JSON.stringify({ loaded: false, problems: err.problems }, null, 2)}\n`);
      ctx.err(`${err.message}\nничего не загружено\n`);
      return 1;
    }
    const app = ctx.app();
    const { period } = loaded.content;
    const result = await withTransaction(app.pool, (db) => saveContent(db, LPR_KIND, loaded, now()));
    const mailing = await getMailing(app.pool, LPR_KIND, period);
    const c = loaded.content;
    const summary = {
      period,
      result,
      sha256: loaded.sha256,
      topQuestions: c.topQuestions.length,
      documents: c.documents.length,
      reviews: c.reviews.length,
      magazine: c.magazine.length,
      bulletin: c.bulletin.length,
      newsHooks: c.newsHooks.map((h) => h.area),
      attachments: loaded.files.map((f) => ({ file: f.name, bytes: f.bytes.length })),
      mailingExists: mailing !== null,
    };
    emit(ctx, summary, () =>
      [
        `Содержание письма за ${monthName(period)}: ${RESULTS[result] ?? result}`,
        `  ТОП вопросов: ${summary.topQuestions}, документов: ${summary.documents}, обзоров: ${summary.reviews}, журнал: ${summary.magazine}, бюллетень: ${summary.bulletin}`,
        `  инфоповоды: ${summary.newsHooks.join(', ') || 'нет'}`,
        `  вложения: ${summary.attachments.map((a) => `${a.file} (${count(a.bytes, BYTES)})`).join(', ') || 'нет'}`,
        ...(mailing
          ? [`  внимание: рассылка за ${monthName(period)} уже создана (№ ${mailing.id}) и остаётся с тем содержанием, с которым создана`]
          : []),
        '',
      ].join('\n'),
    );
    return 0;
  },
};
