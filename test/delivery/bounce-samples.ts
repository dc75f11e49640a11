/** The bounce samples under test/fixtures/bounces/, filled with a message's VERP address, recipient and Message-ID. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { mailingMessageId } from '../../src/mail/message-ids.js';
import { type TrackingKeys, unsubscribeToken, verpAddress } from '../../src/mail/tracking.js';

const DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'bounces');

export function sampleNames(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => f.replace(/\.eml$/, ''));
}

export interface SampleValues {
  secret: TrackingKeys;
  messageId: number;
  recipient: string;
  bounceDomain?: string;
  messageIdDomain?: string;
}

export function bounceSample(name: string, v: SampleValues): string {
  return readFileSync(join(DIR, `${name}.eml`), 'utf8')
    .replaceAll('{{VERP}}', verpAddress(v.secret, v.messageId, v.bounceDomain ?? 'bounce.ric502.example'))
    .replaceAll('{{RCPT}}', v.recipient)
    .replaceAll('{{UNSUB}}', unsubscribeToken(v.secret, v.messageId))
    .replaceAll('{{MSGID}}', mailingMessageId(v.secret, v.messageId, v.messageIdDomain ?? 'ric502.example'))
    .replace(/\r?\n/g, '\r\n');
}
