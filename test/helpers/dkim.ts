/**
 * DKIM in tests: fresh keys, and two verifiers that share no code with our signer
 * (src/mail/dkim.ts) nor with each other — the mailauth library, and Perl's Mail::DKIM (the
 * verifier SpamAssassin and Amavis use; installed with SpamAssassin by .ci/system-deps). Both
 * look the key up through a test resolver that serves the given TXT records, as DNS would.
 * Mail::DKIM here verifies RSA only (its Ed25519 needs CryptX, which Debian's spamassassin does
 * not pull in).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';

/** A new private key in PEM: RSA 2048 or Ed25519. */
export function newDkimKeyPem(type: 'rsa' | 'ed25519', bits = 2048): string {
  const { privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: bits }) : generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** DNS name (e.g. `cg._domainkey.ric502.example`) → TXT value. */
export type TxtRecords = Record<string, string>;

export interface Verdict {
  /** `pass`, `fail`, `neutral`, `none`, … */
  result: string;
  /** Why, when not `pass`. */
  comment: string;
  /** The header fields the signature covers, lower case (mailauth only). */
  signed: string[];
  domain: string;
}

/** mailauth's verdict on each DKIM signature of the message (an unsigned one: one verdict `none`). */
export async function verifyWithMailauth(raw: Buffer, records: TxtRecords): Promise<Verdict[]> {
  // Strict: RFC 6376 to the letter (a body hash mismatch is `fail`, not the lenient `neutral`).
  const res = await dkimVerify(raw, {
    strict: true,
    resolver: async (name: string, type: string) => {
      const txt = type === 'TXT' ? records[name.toLowerCase()] : undefined;
      if (txt === undefined) throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
      return [[txt]];
    },
  });
  return res.results.map(
    (r: { status: { result: string; comment?: string }; signingHeaders?: { keys?: string }; signingDomain?: string }) => ({
      result: r.status.result,
      comment: r.status.comment ?? '',
      signed: (r.signingHeaders?.keys ?? '')
        .split(':')
        .map((k) => k.trim().toLowerCase())
        .filter(Boolean),
      domain: r.signingDomain ?? '',
    }),
  );
}

/** Mail::DKIM over each file, the key from `records` instead of DNS; prints one line per file. */
const MAIL_DKIM = String.raw`
use strict; use warnings;
use Mail::DKIM::Verifier; use Net::DNS;
my %txt;
while (@ARGV && $ARGV[0] ne '--') { my ($n, $v) = split /=/, shift(@ARGV), 2; $txt{lc $n} = $v; }
shift @ARGV;
{ no warnings 'redefine';
  *Mail::DKIM::DNS::query = sub {
    my ($domain, $type) = @_;
    my $v = $txt{lc $domain};
    return () unless defined $v && $type eq 'TXT';
    return (Net::DNS::RR->new(name => $domain, type => 'TXT', txtdata => [ $v =~ /(.{1,255})/gs ]));
  };
}
for my $file (@ARGV) {
  open(my $fh, '<:raw', $file) or die "$file: $!";
  local $/; my $msg = <$fh>; close $fh;
  $msg =~ s/\015?\012/\015\012/g;
  my $v = Mail::DKIM::Verifier->new();
  $v->PRINT($msg); $v->CLOSE;
  my @s = $v->signatures;
  print @s ? join(' ', map { $_->result . ($_->result_detail ne $_->result ? " (" . $_->result_detail . ")" : '') } @s) : 'none', "\n";
}
`;

/** Mail::DKIM's verdicts, one line per message: `pass`, `fail (message has been altered)`, `none`. */
export async function verifyWithMailDkim(raws: Buffer[], records: TxtRecords): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-dkim-'));
  try {
    const files = raws.map((raw, i) => {
      const f = join(dir, `${i}.eml`);
      writeFileSync(f, raw);
      return f;
    });
    const args = ['-e', MAIL_DKIM, ...Object.entries(records).map(([k, v]) => `${k}=${v}`), '--', ...files];
    const out = await new Promise<string>((resolve, reject) =>
      execFile('perl', args, { maxBuffer: 1 << 20, timeout: 60_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`perl Mail::DKIM: ${stderr || err.message}`)) : resolve(stdout),
      ),
    );
    return out.trimEnd().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
