/** The admin script run in-process against a test's configuration, its output captured. */
import { runCli } from '../../src/cli/admin.js';
import type { AppConfig } from '../../src/config.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function runCapturedCli(config: AppConfig, argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s) }, config);
  return { code, out, err };
}
