import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A SCRAM-SHA-256 verifier as PostgreSQL stores it in pg_authid.rolpassword (RFC 5802/7677 keys). */
export interface ScramVerifier {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const VERIFIER = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/** Parses `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`; undefined for anything else. */
export function parseScramVerifier(text: string): ScramVerifier | undefined {
  const m = VERIFIER.exec(text);
  if (!m) return undefined;
  return { iterations: Number(m[1]), salt: Buffer.from(m[2]!, 'base64'), storedKey: Buffer.from(m[3]!, 'base64'), serverKey: Buffer.from(m[4]!, 'base64') };
}

/**
 * The password as SCRAM hashes it. PostgreSQL applies SASLprep and keeps the raw bytes when that fails; kbrun
 * normalizes with NFKC (SASLprep's normalization), which is the identity for the ASCII passwords kbrun generates.
 */
function prepared(password: string): Buffer {
  return Buffer.from(password.normalize('NFKC'), 'utf8');
}

function keys(password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const salted = pbkdf2Sync(prepared(password), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return { storedKey: createHash('sha256').update(clientKey).digest(), serverKey: createHmac('sha256', salted).update('Server Key').digest() };
}

/** Whether `password` is the one the verifier was made from (recomputed with its own salt and iteration count). */
export function scramMatches(verifier: ScramVerifier, password: string): boolean {
  const { storedKey, serverKey } = keys(password, verifier.salt, verifier.iterations);
  return (
    storedKey.length === verifier.storedKey.length &&
    timingSafeEqual(storedKey, verifier.storedKey) &&
    serverKey.length === verifier.serverKey.length &&
    timingSafeEqual(serverKey, verifier.serverKey)
  );
}

/** A new verifier for `password` (random 16-byte salt, as PostgreSQL makes them), to send instead of the password. */
export function scramVerifier(password: string, iterations = 4096): string {
  const salt = randomBytes(16);
  const { storedKey, serverKey } = keys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** PostgreSQL's md5 password hash: 'md5' + md5(password + user). */
export function md5Password(password: string, user: string): string {
  return `md5${createHash('md5').update(password + user).digest('hex')}`;
}
