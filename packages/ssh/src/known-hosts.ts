import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname } from 'node:path';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  /** `@cert-authority` (ignored: kbrun doesn't do host certificates) or `@revoked`. */
  marker: 'cert-authority' | 'revoked' | undefined;
  /** The host field: comma-separated patterns, or a hashed name `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  /** The public key blob (the base64 field, decoded). */
  key: Buffer;
  file: string;
  line: number;
}

/** The name a host is recorded under in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (port === 22) return isIP(bare) === 6 ? bare : bare.toLowerCase();
  return `[${bare.toLowerCase()}]:${port}`;
}

/** The key lines of a known_hosts text; comments, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift()!.slice(1);
      if (name !== 'cert-authority' && name !== 'revoked') continue;
      marker = name;
    }
    const [hosts, keyType, base64] = fields;
    if (hosts === undefined || keyType === undefined || base64 === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) continue;
    entries.push({ marker, hosts, keyType, key: Buffer.from(base64, 'base64'), file, line: index + 1 });
  }
  return entries;
}

/** Reads one known_hosts file; a missing file has no entries. */
export async function readKnownHostsFile(file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'), file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new Error(`cannot read known_hosts file ${file}: ${(error as Error).message}`);
  }
}

/** True when a known_hosts host field names `name` (hashed names, `*`/`?` wildcards and `!` negations as in OpenSSH). */
export function hostMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (salt === undefined || hash === undefined) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    const expected = Buffer.from(hash, 'base64');
    return expected.length === digest.length && expected.equals(digest);
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (wildcardMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function wildcardMatch(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  const regex = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(name.toLowerCase());
}

/** The algorithm name a public key blob starts with (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return length > 0 && 4 + length <= blob.length ? blob.subarray(4, 4 + length).toString('latin1') : 'unknown';
}

/** The key's fingerprint as OpenSSH shows it (`SHA256:…`). */
export function keyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A known_hosts line recording `blob` for `name`. */
export function knownHostLine(name: string, blob: Buffer): string {
  return `${name} ${keyTypeOf(blob)} ${blob.toString('base64')}`;
}

/** Appends a key for `name` to a known_hosts file, creating the file (mode 600) and its directory (700) when missing. */
export async function appendKnownHost(file: string, name: string, blob: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const current = await readFile(file);
    if (current.length > 0 && current[current.length - 1] !== 0x0a) prefix = '\n';
  } catch {
    // missing: created by appendFile below
  }
  await appendFile(file, `${prefix}${knownHostLine(name, blob)}\n`, { mode: 0o600 });
}
