#!/usr/bin/env node
// The admin script as an installed command: `npx churnguard <command>`. Runs the compiled
// code in dist/ (`npm run build`); tsx is a development tool and not installed in production.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'churnguard: dist/cli/main.js is missing: run `npm run build` first (or `npm run admin -- <command>` from a checkout)\n',
  );
  process.exit(2);
}
await import(entry.href);
