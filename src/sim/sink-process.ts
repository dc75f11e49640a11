/**
 * The simulation's SMTP sink in a process of its own: the embedded sink (src/mail/sink.ts,
 * every message an `.eml` file in the directory given) on loopback, its port printed, ended
 * when its parent closes stdin. A real relay is another process too; here it lets receiving
 * and writing the month's e-mails use the second core while the service composes them.
 */
import { startSmtpSink } from '../mail/sink.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: sink-process.ts DIR\n');
  process.exit(2);
}
const sink = await startSmtpSink(dir);
process.stdout.write(`port ${sink.port}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  sink.close().finally(() => process.exit(0));
});
