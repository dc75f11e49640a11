/**
 * `npm run bench -- deviations`: the CRM's «Фиксация отклонений» for 100 000 clients (every
 * tenth listed twice, once per responsible employee: 110 000 rows), Windows-1251 with CRLF, in
 * the OLAP layout, imported all-or-nothing — next to a plain `COPY` of the same 100 000 client
 * rows into a scratch table shaped like crm_deviations (same key and references), measured in
 * the same run, best of interleaved rounds.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { from as copyFrom } from 'pg-copy-streams';
import { importFile } from '../src/imports/run.js';
import { benchContext, machine, timed, writeSection } from './lib.js';

const CLIENTS = 100_000;
const EMPLOYEES = 200;
const ROUNDS = 2;
const WEEK = '2024-W27';
const SCORES = ['0,20', '0,30', '0,50'];

const surname = (e: number) => `Сотрудникова${e}`;
const score = (c: number, k: number) => SCORES[(c * 7 + k * 11) % 3] as string;
const indicator = (c: number) => (0.2 + ((c * 13) % 31) / 100).toFixed(2).replace('.', ',');

function reportFile(path: string): number {
  const lines = [
    'Фиксация отклонений',
    'OLAP-отчет по области расчета "Фиксация отклонений"',
    'Разрез\tЗначение',
    'Период\tНеделя с 01.07.2024 по 07.07.2024',
    '',
    'Фильтры',
    '',
    'Описание\tСотрудник (упр)\tПодразделе...\tОбучение (-)\tИспользование ЛК (-)\tКонтакт с ЛПР (-)\tНет входов в систему (-)\tПосещение семинаров (-)\tИндикатор (-)',
    `Итого: (${CLIENTS})\t\t\t\t\t\t\t\t0,35`,
  ];
  let rows = 0;
  for (let c = 1; c <= CLIENTS; c++) {
    const values = [0, 1, 2, 3, 4].map((k) => score(c, k)).join('\t');
    const employees = c % 10 === 0 ? [c % EMPLOYEES, (c + 1) % EMPLOYEES] : [c % EMPLOYEES];
    for (const e of employees) {
      lines.push(`${300000 + c} - Клиент ${c} ООО\t${surname(e)} И.О. (СИУ)\tСпециалисты Дятлова Д._502\t${values}\t${indicator(c)}`);
      rows++;
    }
  }
  writeFileSync(path, iconv.encode(`${lines.join('\r\n')}\r\n`, 'win1251'));
  return rows;
}

export async function run(): Promise<void> {
  const ctx = await benchContext();
  const path = join(tmpdir(), `cg-bench-deviations-${process.pid}.txt`);
  try {
    const { pool } = ctx.app;
    await pool.query(
      `INSERT INTO clients (number, name, category, monthly_fee, state)
       SELECT 300000 + g, 'Клиент ' || g || ' ООО', 'B', 10000, 'served' FROM generate_series(1, $1::int) g`,
      [CLIENTS],
    );
    await pool.query(
      `INSERT INTO employees (name, role) SELECT 'Сотрудникова' || g || ' Ирина Олеговна', 'field' FROM generate_series(0, $1::int - 1) g`,
      [EMPLOYEES],
    );
    await pool.query('ANALYZE clients');
    await pool.query('ANALYZE employees');
    const fileRows = reportFile(path);
    await pool.query(
      `INSERT INTO imports (id, kind, file_name, sha256, state, started_at) VALUES (1, 'bench', 'bench', 'bench', 'failed', now())`,
    );
    await pool.query(`SELECT setval('imports_id_seq', 1)`);
    // Baseline: the 100 000 client rows, already in COPY's format, into a table like crm_deviations.
    const { rows: ids } = await pool.query<{ id: number; number: number }>('SELECT id, number FROM clients ORDER BY number');
    const chunks: string[] = [];
    for (let i = 0; i < ids.length; i += 2000) {
      chunks.push(
        ids
          .slice(i, i + 2000)
          .map(({ id, number }) => {
            const c = number - 300000;
            const v = [0, 1, 2, 3, 4].map((k) => score(c, k).replace(',', '.')).join('\t');
            return `${id}\t${WEEK}\t${v}\t${indicator(c).replace(',', '.')}\t{1}\tСпециалисты Дятлова Д._502\t1\t2024-07-08T00:00:00Z\n`;
          })
          .join(''),
      );
    }
    await pool.query(`CREATE TABLE bench_keyed (LIKE crm_deviations INCLUDING ALL,
                        FOREIGN KEY (client_id) REFERENCES clients (id), FOREIGN KEY (import_id) REFERENCES imports (id))`);
    const copy = () =>
      timed(async () => {
        const client = await pool.connect();
        try {
          await pipeline(Readable.from(chunks), client.query(copyFrom('COPY bench_keyed FROM STDIN')));
        } finally {
          client.release();
        }
      });
    const reset = async () => {
      await pool.query('TRUNCATE bench_keyed, crm_deviations');
      await pool.query(`DELETE FROM imports WHERE kind = 'deviations'`);
    };
    const best = <T>(runs: { ms: number; value: T }[]) => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const copies = [];
    const imports = [];
    for (let round = 0; round < ROUNDS; round++) {
      await reset();
      copies.push(await copy());
      imports.push(await timed(() => importFile(ctx.app, { kind: 'deviations', path })));
    }
    const [c, i] = [best(copies), best(imports)];
    if (i.value.status !== 'imported' || i.value.rows !== CLIENTS) throw new Error(`unexpected outcome: ${JSON.stringify(i.value)}`);
    const rate = (ms: number) => Math.round(CLIENTS / (ms / 1000));
    const lines = [
      `The CRM's «Фиксация отклонений» for ${CLIENTS.toLocaleString('en-US')} clients (${fileRows.toLocaleString('en-US')} rows: every tenth client ` +
        `listed twice, once per responsible employee), Windows-1251 with CRLF, OLAP layout; best of ${ROUNDS} interleaved rounds.`,
      '',
      '| what | time | clients/s | of COPY rate |',
      '|---|---|---|---|',
      `| plain COPY of the ${CLIENTS.toLocaleString('en-US')} client rows into a table like crm_deviations (baseline) | ${(c.ms / 1000).toFixed(2)} s | ${rate(c.ms).toLocaleString('en-US')} | 1.00 |`,
      `| import deviations (decode, match clients and employees, check repeats, stage by COPY, upsert) | ${(i.ms / 1000).toFixed(2)} s | ${rate(i.ms).toLocaleString('en-US')} | ${(rate(i.ms) / rate(c.ms)).toFixed(2)} |`,
      '',
      `Import rate / COPY rate: **${(rate(i.ms) / rate(c.ms)).toFixed(2)}** (target ≥ 0.5). Measured ${new Date().toISOString().slice(0, 10)} on ` +
        `${machine()}, load average ${loadavg()[0]?.toFixed(1)} at the end (the machine is shared with other work).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('deviations', lines.join('\n'));
  } finally {
    await ctx.close();
    rmSync(path, { force: true });
  }
}
