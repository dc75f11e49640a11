/**
 * The SMTP sink of `npm run bench -- mailing`, in a process of its own: accepts every message,
 * keeps nothing, prints its port, and exits when its parent closes stdin.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let accepted = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  size: 30 * 1024 * 1024,
  onData(stream, _session, cb) {
    stream.on('data', () => {});
    stream.on('end', () => {
      accepted++;
      cb(null, 'Ok: queued');
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  process.stdout.write(`port ${port}\n`);
});
process.stdin.on('data', () => process.stdout.write(`accepted ${accepted}\n`));
process.stdin.on('end', () => process.exit(0));
