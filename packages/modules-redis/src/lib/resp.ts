// A small RESP2 client (Redis and Sentinel speak it): commands as arrays of bulk strings, replies parsed as they
// arrive on any Duplex stream — here the TCP stream the connection opens from the target (Connection.openTcp).
import type { Duplex } from 'node:stream';

/** A reply: simple strings and bulk strings are strings, nil is null, arrays nest; errors are RedisReplyError. */
export type RespValue = string | number | null | RespValue[];

/** An error reply of the server (`-ERR …`, `-NOAUTH …`, `-WRONGPASS …`): a result the module reports, not a crash. */
export class RedisReplyError extends Error {
  override readonly name = 'RedisReplyError';
  /** The first word of the reply (ERR, NOAUTH, WRONGPASS, READONLY…). */
  readonly kind: string;
  constructor(message: string) {
    super(message);
    this.kind = message.split(' ', 1)[0] ?? 'ERR';
  }
}

/** Encodes one command (`['CONFIG', 'GET', 'maxmemory']`) as a RESP array of bulk strings. */
export function encodeCommand(args: readonly (string | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(String(arg), 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Thrown by `parseReply` when the buffer holds only part of a reply. */
const INCOMPLETE = Symbol('incomplete');

/** Parses one reply at `offset`; returns it and where the next one starts, or INCOMPLETE. */
function parseAt(buffer: Buffer, offset: number): { value: RespValue | RedisReplyError; next: number } | typeof INCOMPLETE {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return INCOMPLETE;
  const type = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, next: after };
    case '-':
      return { value: new RedisReplyError(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: after };
      if (buffer.length < after + length + 2) return INCOMPLETE;
      return { value: buffer.toString('utf8', after, after + length), next: after + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let next = after;
      for (let i = 0; i < count; i += 1) {
        const item = parseAt(buffer, next);
        if (item === INCOMPLETE) return INCOMPLETE;
        // An error inside an array (EXEC) is kept as its message.
        items.push(item.value instanceof RedisReplyError ? item.value.message : item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(type)} (is this port a Redis server?)`);
  }
}

/** One RESP conversation on a stream: commands are sent in order and each call resolves with its own reply. */
export class RespClient {
  #buffer: Buffer = Buffer.alloc(0);
  readonly #waiting: { resolve(value: RespValue): void; reject(error: Error): void }[] = [];
  #closed: Error | undefined;

  /** `replyTimeoutMs`: a reply that takes longer fails the call and closes the stream. */
  constructor(
    private readonly stream: Duplex,
    private readonly replyTimeoutMs = 10_000,
  ) {
    stream.on('data', (chunk: Buffer) => this.#receive(chunk));
    stream.on('error', (error: Error) => this.#fail(error));
    stream.on('close', () => this.#fail(new Error('the server closed the connection')));
  }

  /** Sends one command; resolves with its reply, rejects with a RedisReplyError for an error reply. */
  call(...args: (string | number)[]): Promise<RespValue> {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new Error(`no reply to ${String(args[0])} within ${this.replyTimeoutMs} ms`);
        this.#fail(error);
        this.stream.destroy();
      }, this.replyTimeoutMs);
      this.#waiting.push({
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.stream.write(encodeCommand(args));
    });
  }

  /** Closes the stream (its SSH channel with it). */
  close(): void {
    this.#closed ??= new Error('connection closed');
    this.stream.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let offset = 0;
    while (offset < this.#buffer.length && this.#waiting.length > 0) {
      let parsed: ReturnType<typeof parseAt>;
      try {
        parsed = parseAt(this.#buffer, offset);
      } catch (error) {
        this.#fail(error as Error);
        this.stream.destroy();
        return;
      }
      if (parsed === INCOMPLETE) break;
      offset = parsed.next;
      const waiter = this.#waiting.shift()!;
      if (parsed.value instanceof RedisReplyError) waiter.reject(parsed.value);
      else waiter.resolve(parsed.value);
    }
    this.#buffer = this.#buffer.subarray(offset);
  }

  #fail(error: Error): void {
    this.#closed ??= error;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
  }
}

/** Parses INFO's text (`# Section` headers, `key:value` lines) into sections of key → value (numbers as numbers). */
export function parseInfo(text: string): Record<string, Record<string, string | number>> {
  const sections: Record<string, Record<string, string | number>> = {};
  let current: Record<string, string | number> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      current = {};
      sections[line.slice(1).trim().toLowerCase()] = current;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    current[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return sections;
}

/** A flat list of pairs ([k1, v1, k2, v2…], as SENTINEL MASTERS and CONFIG GET answer) as an object. */
export function pairsToObject(value: RespValue): Record<string, string> {
  const result: Record<string, string> = {};
  if (!Array.isArray(value)) return result;
  for (let i = 0; i + 1 < value.length; i += 2) result[String(value[i])] = String(value[i + 1]);
  return result;
}
