/**
 * The DKIM key of churnguard's mail: `DKIM_PRIVATE_KEY` (the PEM text) or
 * `DKIM_PRIVATE_KEY_FILE` (a path to it), read and checked once at start. An RSA key of 2048
 * bits or more signs rsa-sha256; an Ed25519 key signs ed25519-sha256 (RFC 8463). Any other
 * key, a key that is not PEM, or both variables at once is a problem naming the variable;
 * the configuration then refuses to start (exit code 2).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

/** A checked DKIM private key and what its DNS record publishes. */
export interface DkimKey {
  algorithm: DkimAlgorithm;
  privateKey: KeyObject;
  /**
   * The `p=` of the DNS record: base64 of the public key — its SubjectPublicKeyInfo for RSA
   * (RFC 6376), the bare 32 bytes for Ed25519 (RFC 8463).
   */
  publicKey: string;
  /** The modulus length of an RSA key; null for Ed25519. */
  bits: number | null;
  /** The variable the key came from (for messages). */
  source: 'DKIM_PRIVATE_KEY' | 'DKIM_PRIVATE_KEY_FILE';
}

/** rsa-sha256 with a shorter key is refused: large mail services ignore or distrust 1024-bit signatures. */
export const MIN_RSA_BITS = 2048;

/** Parse a PEM private key; a problem is thrown as an Error whose message names `variable`. */
export function parseDkimKey(pem: string, source: DkimKey['source']): DkimKey {
  // A .env file holds one line per variable: `\n` written out stands for the line breaks.
  const text = pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem' });
  } catch (err) {
    throw new Error(
      `${source}: not a PEM private key (${(err as Error).message}; expected the text from "-----BEGIN PRIVATE KEY-----" to "-----END PRIVATE KEY-----", e.g. made by openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)`,
    );
  }
  const type = privateKey.asymmetricKeyType;
  if (type === 'ed25519') {
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    return {
      algorithm: 'ed25519-sha256',
      privateKey,
      publicKey: Buffer.from(jwk.x as string, 'base64url').toString('base64'),
      bits: null,
      source,
    };
  }
  if (type === 'rsa') {
    const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new Error(`${source}: an RSA key of ${bits} bits (expected ${MIN_RSA_BITS} bits or more, or an Ed25519 key)`);
    }
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    return { algorithm: 'rsa-sha256', privateKey, publicKey: spki.toString('base64'), bits, source };
  }
  throw new Error(`${source}: a key of type ${type ?? 'unknown'} (expected RSA of ${MIN_RSA_BITS} bits or more, or Ed25519)`);
}

/** The DKIM key the environment names, or null; problems are pushed, each naming its variable. */
export function dkimKeyFromEnv(env: Record<string, string | undefined>, problems: string[]): DkimKey | null {
  const inline = env.DKIM_PRIVATE_KEY ?? '';
  const file = env.DKIM_PRIVATE_KEY_FILE ?? '';
  if (inline !== '' && file !== '') {
    problems.push('DKIM_PRIVATE_KEY and DKIM_PRIVATE_KEY_FILE: both set (expected one of them)');
    return null;
  }
  let pem = inline;
  if (file !== '') {
    try {
      pem = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(`DKIM_PRIVATE_KEY_FILE: cannot read ${file} (${(err as Error).message})`);
      return null;
    }
  }
  if (pem === '') return null;
  try {
    return parseDkimKey(pem, file !== '' ? 'DKIM_PRIVATE_KEY_FILE' : 'DKIM_PRIVATE_KEY');
  } catch (err) {
    problems.push((err as Error).message);
    return null;
  }
}

/** Where the signature says it is from: `smtp.dkim` of the configuration. */
export interface DkimIdentity {
  /** The signing domain, `d=`. */
  domain: string;
  /** The selector, `s=`: the record is `<selector>._domainkey.<domain>`. */
  selector: string;
}

/** Key and configuration must come together: one without the other is a problem, else null. */
export function dkimPairingProblem(identity: DkimIdentity | null, key: DkimKey | null): string | null {
  if (key && !identity) {
    return `${key.source} is set, but smtp.dkim is not (expected "smtp": { "dkim": { "domain": "…", "selector": "…" } } in CONFIG_FILE)`;
  }
  if (identity && !key) return 'smtp.dkim is set, but neither DKIM_PRIVATE_KEY nor DKIM_PRIVATE_KEY_FILE is (expected the PEM private key)';
  return null;
}
