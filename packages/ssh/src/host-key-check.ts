import { ConnectionError } from '@kbrun/core';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { appendKnownHost, hostMatches, keyFingerprint, keyTypeOf, readKnownHostsFile, type KnownHostEntry } from './known-hosts.js';

/** How presented host keys are judged: `strict` (must be known), `accept-new` (record unknown keys), `off` (accept any). */
export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

/** The known_hosts files of one host: read in order; a key accepted on first use is appended to `writeFile`. */
export interface KnownHostsFiles {
  read: readonly string[];
  writeFile: string;
}

/** Known_hosts entries read once per run and shared by every connection of a factory. */
export class KnownHostsStore {
  readonly #files = new Map<string, Promise<KnownHostEntry[]>>();
  #writes: Promise<void> = Promise.resolve();

  /** The entries of `files` whose host field names `name`. */
  async entriesFor(files: readonly string[], name: string): Promise<KnownHostEntry[]> {
    const all = await Promise.all(files.map((file) => this.#read(file)));
    return all.flat().filter((entry) => hostMatches(entry.hosts, name));
  }

  /** Records a key accepted on first use (writes are serialised; a name recorded already is not written twice). */
  record(file: string, name: string, blob: Buffer): Promise<void> {
    const write = this.#writes.then(async () => {
      const known = await this.#read(file);
      if (known.some((entry) => entry.marker === undefined && entry.key.equals(blob) && hostMatches(entry.hosts, name))) return;
      await appendKnownHost(file, name, blob);
      known.push({ marker: undefined, hosts: name, keyType: keyTypeOf(blob), key: blob, file, line: 0 });
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }

  #read(file: string): Promise<KnownHostEntry[]> {
    let entries = this.#files.get(file);
    if (!entries) {
      entries = readKnownHostsFile(file);
      this.#files.set(file, entries);
    }
    return entries;
  }
}

/** What a presented key is, measured against the known entries for the host. */
export type HostKeyJudgement =
  | { kind: 'known' }
  | { kind: 'unknown'; otherTypes: string[] }
  | { kind: 'changed'; entry: KnownHostEntry }
  | { kind: 'revoked'; entry: KnownHostEntry };

/** Judges a presented key as OpenSSH does: revoked beats known, a known key of the same type that differs is a change. */
export function judgeHostKey(entries: readonly KnownHostEntry[], blob: Buffer): HostKeyJudgement {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(blob));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const plain = entries.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.key.equals(blob))) return { kind: 'known' };
  const type = keyTypeOf(blob);
  const sameType = plain.find((e) => keyTypeOf(e.key) === type);
  if (sameType) return { kind: 'changed', entry: sameType };
  return { kind: 'unknown', otherTypes: [...new Set(plain.map((e) => keyTypeOf(e.key)))] };
}

// ssh2's default host key algorithms, strongest first (ssh-ed25519 is available on every supported Node).
const HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** Host key algorithms with the types already known for the host first, so the server shows the key we can check. */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[]): ServerHostKeyAlgorithm[] {
  const known = new Set<string>(entries.filter((e) => e.marker === undefined).map((e) => keyTypeOf(e.key)));
  const first = HOST_KEY_ALGORITHMS.filter((a) => known.has(a) || (known.has('ssh-rsa') && a.startsWith('rsa-sha2-')));
  return [...first, ...HOST_KEY_ALGORITHMS.filter((a) => !first.includes(a))];
}

/**
 * Checks the key one server presents during one handshake, with the host's known entries loaded beforehand.
 * A refusal is remembered as `failure` (a ConnectionError that says why) for the connect code to throw.
 */
export class HostKeyCheck {
  failure: ConnectionError | undefined;

  constructor(
    private readonly store: KnownHostsStore,
    private readonly policy: HostKeyPolicy,
    private readonly files: KnownHostsFiles,
    /** The name the host is recorded under (`[127.0.0.10]:2222`). */
    private readonly name: string,
    /** How messages name the host (`web1 (127.0.0.10:2222)`). */
    private readonly label: string,
    readonly entries: readonly KnownHostEntry[],
  ) {}

  /** Loads the entries for `name` and prepares a check. */
  static async prepare(store: KnownHostsStore, policy: HostKeyPolicy, files: KnownHostsFiles, name: string, label: string): Promise<HostKeyCheck> {
    const entries = policy === 'off' ? [] : await store.entriesFor(files.read, name);
    return new HostKeyCheck(store, policy, files, name, label, entries);
  }

  /** True when the key may be trusted (recording it first under accept-new). */
  async verify(blob: Buffer): Promise<boolean> {
    if (this.policy === 'off') return true;
    const judgement = judgeHostKey(this.entries, blob);
    const fingerprint = `${keyTypeOf(blob)} ${keyFingerprint(blob)}`;
    switch (judgement.kind) {
      case 'known':
        return true;
      case 'revoked':
        this.failure = new ConnectionError(`host key for ${this.label} is REVOKED (${fingerprint}, marked @revoked in ${judgement.entry.file}:${judgement.entry.line}); refusing to connect`);
        return false;
      case 'changed':
        this.failure = new ConnectionError(
          `host key for ${this.label} has CHANGED: the server presented ${fingerprint}, ` +
            `but ${judgement.entry.file}:${judgement.entry.line} records a different ${judgement.entry.keyType} key. ` +
            `This is a possible man-in-the-middle attack, or the host was rebuilt. If the change is expected, ` +
            `remove the old key with: ssh-keygen -R '${this.name}'${judgement.entry.file === this.files.writeFile ? '' : ` -f ${judgement.entry.file}`}`,
        );
        return false;
      case 'unknown':
        if (this.policy === 'accept-new') {
          try {
            await this.store.record(this.files.writeFile, this.name, blob);
            return true;
          } catch (error) {
            this.failure = new ConnectionError(`host key for ${this.label} could not be recorded in ${this.files.writeFile}: ${(error as Error).message}`);
            return false;
          }
        }
        this.failure = new ConnectionError(
          `host key for ${this.label} is not known (${fingerprint}; looked in ${this.files.read.join(', ') || 'no known_hosts file'}` +
            (judgement.otherTypes.length > 0 ? `, which record only ${judgement.otherTypes.join(', ')} keys for it` : '') +
            `) and strict host key checking is on: add it with ssh-keyscan, or set StrictHostKeyChecking=accept-new to trust it on first use`,
        );
        return false;
    }
  }
}
