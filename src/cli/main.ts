/** Process entry of the admin script. */
import { runCli } from './admin.js';

const code = await runCli(process.argv.slice(2));
// Exit once output is flushed, even if a library left a timer or socket behind.
process.stdout.write('', () => process.exit(code));
