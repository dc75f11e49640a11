/**
 * DKIM signing (RFC 6376) of every message the transport sends: relaxed/relaxed
 * canonicalization, rsa-sha256 or ed25519-sha256 (RFC 8463), over the headers a receiver
 * and DMARC care about — From, To, Subject, Date, Message-ID, List-Unsubscribe and
 * List-Unsubscribe-Post (RFC 8058 honours one-click unsubscribe only when the signature covers
 * both), and Reply-To, Cc, MIME-Version, Content-Type where present.
 *
 * Our own code rather than nodemailer's `dkim` option: nodemailer signs RSA only (its signer
 * is `createSign('RSA-SHA256')`, and an Ed25519 key silently yields no signature), and the
 * libraries that sign both need Node 22. The tests verify what this writes with two
 * independent verifiers (mailauth, and Perl's Mail::DKIM that SpamAssassin uses).
 */
import { createHash, sign as cryptoSign } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { DkimIdentity, DkimKey } from './dkim-key.js';

/** The signed header fields, in the order of `h=`; only those present in the message are listed. */
export const SIGNED_HEADERS = [
  'from',
  'reply-to',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'list-unsubscribe',
  'list-unsubscribe-post',
] as const;

export interface DkimSigner extends DkimIdentity {
  key: DkimKey;
}

/** Every line break as CRLF: what the wire carries, so what the receiver verifies. */
function crlf(message: string): string {
  return message.replace(/\r?\n|\r/g, '\r\n');
}

/** Relaxed body canonicalization (RFC 6376 3.4.4). */
export function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? `${lines.join('\r\n')}\r\n` : '';
}

/** Relaxed header canonicalization (RFC 6376 3.4.2) of one field, without the trailing CRLF. */
export function relaxedHeader(field: string): string {
  const colon = field.indexOf(':');
  const name = field.slice(0, colon).trim().toLowerCase();
  const value = field
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

/** The header block's fields, each with its folded continuation lines. */
function headerFields(block: string): string[] {
  const fields: string[] = [];
  for (const line of block.split('\r\n')) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += `\r\n${line}`;
    else if (line !== '') fields.push(line);
  }
  return fields;
}

/** `value` in lines of at most `width` characters, continued with CRLF and a space (whitespace `b=` ignores). */
function foldValue(value: string, width: number): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += width) parts.push(value.slice(i, i + width));
  return parts.join('\r\n ');
}

/** Names joined by `:`, a line break (folding whitespace, allowed in `h=`) before one that would pass `width`. */
function foldList(names: string[], width: number): string {
  let out = '';
  let line = 0;
  for (const [i, name] of names.entries()) {
    const piece = i ? `:${name}` : name;
    if (i && line + piece.length > width) {
      out += '\r\n ';
      line = 1;
    }
    out += piece;
    line += piece.length;
  }
  return out;
}

/**
 * The message with its DKIM-Signature header in front. `raw` is the whole RFC 5322 message;
 * its line breaks become CRLF. `at` is the signing time (`t=`). Bytes are handled as latin1
 * text, one character per byte, so any byte comes out as it went in.
 */
export function signMessage(raw: Buffer, signer: DkimSigner, at: Date): Buffer {
  const text = crlf(raw.toString('latin1'));
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 4);
  const fields = headerFields(head);
  // One instance of each name, the last one (RFC 6376 5.4.2: from the bottom up).
  const chosen: { name: string; field: string }[] = [];
  for (const name of SIGNED_HEADERS) {
    const field = fields.findLast((f) => f.slice(0, f.indexOf(':')).trim().toLowerCase() === name);
    if (field) chosen.push({ name, field });
  }
  const bh = createHash('sha256').update(relaxedBody(body), 'latin1').digest('base64');
  const tags = [
    `v=1; a=${signer.key.algorithm}; c=relaxed/relaxed; d=${signer.domain}; s=${signer.selector};`,
    ` t=${Math.floor(at.getTime() / 1000)};`,
    ` h=${foldList(
      chosen.map((c) => c.name),
      70,
    )};`,
    ` bh=${bh};`,
    ' b=',
  ];
  const unsigned = `DKIM-Signature: ${tags.join('\r\n')}`;
  const data = Buffer.from([...chosen.map((c) => relaxedHeader(c.field)), relaxedHeader(unsigned)].join('\r\n'), 'latin1');
  const signature =
    signer.key.algorithm === 'rsa-sha256'
      ? cryptoSign('sha256', data, signer.key.privateKey)
      : // RFC 8463: Ed25519 (PureEdDSA) over the SHA-256 hash of the data.
        cryptoSign(null, createHash('sha256').update(data).digest(), signer.key.privateKey);
  return Buffer.from(`${unsigned}${foldValue(signature.toString('base64'), 72)}\r\n${text}`, 'latin1');
}

/**
 * `input` signed: nodemailer's `processFunc` for the 'stream' step (src/mail/transport.ts). The
 * message is held in memory while it is signed; ours are at most a few megabytes (the month's
 * PDFs). An error of the input ends the output with it, so a send fails rather than hangs.
 */
export function signedStream(input: Readable, signer: DkimSigner, at: () => Date): Readable {
  const chunks: Buffer[] = [];
  const output = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      chunks.push(chunk);
      done();
    },
    flush(done: TransformCallback) {
      try {
        done(null, signMessage(Buffer.concat(chunks), signer, at()));
      } catch (err) {
        done(err as Error);
      }
    },
  });
  input.once('error', (err) => output.destroy(err));
  return input.pipe(output);
}
