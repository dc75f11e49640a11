/** `npm run bench -- <name>`: runs bench/<name>.ts and writes its figures into BENCHMARKS.md. */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const known = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts'].includes(f) && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const name = process.argv[2];
if (!name || !known.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name>\n  benchmarks: ${known.join(', ')}\n`);
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { run(args: string[]): Promise<void> };
await mod.run(process.argv.slice(3));
process.exit(0);
