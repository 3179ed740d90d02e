import { types } from 'node:util';

/** Variable-name patterns whose values are secret unless the caller gives its own list. */
export const DEFAULT_SECRET_PATTERNS: readonly string[] = [
  '*_token',
  '*_password',
  '*_secret',
  '*_key',
  '*_pass',
  '*_passphrase',
  'ansible_ssh_pass',
  'ansible_become_password',
  'ansible_become_pass',
];

/** What a secret is replaced with in anything shown. */
export const REDACTED = '********';

/** Secrets shorter than this are not searched for in text: redacting "yes" or "1" would garble every line. */
const MIN_SECRET_LENGTH = 4;
/** Lines of a multi-line secret (a PEM key) this long or longer are redacted on their own as well. */
const MIN_SECRET_LINE_LENGTH = 16;
const NAME_CACHE_LIMIT = 10_000;

/** Finds secret values and removes them from anything that is about to be shown. */
export class Redactor {
  readonly #namePattern: RegExp | undefined;
  readonly #nameCache = new Map<string, boolean>();
  /** Every secret as given; `size` counts these. */
  readonly #secrets = new Set<string>();
  /** The secrets and the forms they take once escaped (JSON, shell, URL) or trimmed. */
  readonly #forms = new Set<string>();
  #regex: RegExp | undefined;
  #stale = false;
  /** Objects being walked by `redact`/`collect` right now (cycle guard, reused so walking allocates nothing). */
  readonly #stack: object[] = [];

  /** `patterns` are globs on variable names (`*` only, case-insensitive); DEFAULT_SECRET_PATTERNS when omitted. */
  constructor(patterns: readonly string[] = DEFAULT_SECRET_PATTERNS) {
    if (patterns.length > 0) {
      const alternatives = patterns.map((p) => p.split('*').map(escapeRegExp).join('.*'));
      this.#namePattern = new RegExp(`^(?:${alternatives.join('|')})$`, 'i');
    }
  }

  /** How many secret values the redactor knows. */
  get size(): number {
    return this.#secrets.size;
  }

  /** True when a variable (or result key) of this name holds a secret. */
  isSecretName(name: string): boolean {
    if (this.#namePattern === undefined) return false;
    let secret = this.#nameCache.get(name);
    if (secret === undefined) {
      secret = this.#namePattern.test(name);
      if (this.#nameCache.size >= NAME_CACHE_LIMIT) this.#nameCache.clear();
      this.#nameCache.set(name, secret);
    }
    return secret;
  }

  /** Remembers the values of variables whose names match (deeply: nested mappings too, e.g. db: {admin_password: x}); strings of length < 4 are ignored to avoid redacting everything. */
  collect(vars: Readonly<Record<string, unknown>>): void {
    this.#stack.length = 0;
    this.#collectIn(vars);
  }

  /** Remembers one secret string (vault-decrypted values, no_log inputs); strings under 4 characters (blanks aside) are ignored. */
  add(secret: string): void {
    if (typeof secret !== 'string' || secret.trim().length < MIN_SECRET_LENGTH || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    this.#addForms(secret);
    const trimmed = secret.trim();
    if (trimmed !== secret) this.#addForms(trimmed);
    if (trimmed.includes('\n')) {
      for (const line of trimmed.split(/\r?\n/)) {
        if (line.trim().length >= MIN_SECRET_LINE_LENGTH) this.#addForms(line.trim());
      }
    }
  }

  /** A copy of `value` with every occurrence of every known secret replaced by REDACTED in all strings (keys too), and the values of secret-named keys replaced whole. Returns the same object when nothing needed changing (no allocation on the hot path when there are no secrets). */
  redact<T>(value: T): T {
    if (this.#secrets.size === 0 && this.#namePattern === undefined) return value;
    if (value === null || (typeof value !== 'object' && typeof value !== 'string')) return value;
    this.#stack.length = 0;
    return this.#redactValue(value) as T;
  }

  /** `text` with every known secret (and its JSON-, shell- and URL-escaped forms) replaced by REDACTED. */
  redactText(text: string): string {
    if (this.#secrets.size === 0) return text;
    return text.replace(this.#combined(), REDACTED);
  }

  #addForms(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH) return;
    const forms = [secret, JSON.stringify(secret).slice(1, -1), secret.replace(/'/g, `'\\''`)];
    try {
      forms.push(encodeURIComponent(secret));
    } catch {
      // a lone surrogate has no URL form
    }
    for (const form of forms) {
      if (!this.#forms.has(form)) {
        this.#forms.add(form);
        this.#stale = true;
      }
    }
  }

  /** One RegExp matching every form of every secret, longest first so a secret containing another is replaced whole. */
  #combined(): RegExp {
    if (this.#regex === undefined || this.#stale) {
      const forms = [...this.#forms].sort((a, b) => b.length - a.length);
      this.#regex = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
      this.#stale = false;
    }
    return this.#regex;
  }

  #redactValue(value: unknown): unknown {
    if (typeof value === 'string') return this.#secrets.size === 0 ? value : this.redactText(value);
    if (value === null || typeof value !== 'object' || !isWalkable(value)) return value;
    const stack = this.#stack;
    if (stack.includes(value)) return value;
    // No try/finally: `redact` resets the stack, so a getter that throws can't leave it dirty for the next call.
    stack.push(value);
    const result = Array.isArray(value) ? this.#redactArray(value) : this.#redactObject(value as Record<string, unknown>);
    stack.pop();
    return result;
  }

  #redactArray(list: readonly unknown[]): unknown[] {
    let copy: unknown[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      const redacted = typeof item === 'object' || typeof item === 'string' ? this.#redactValue(item) : item;
      if (copy === undefined && redacted !== item) copy = list.slice(0, i);
      if (copy !== undefined) copy.push(redacted);
    }
    return copy ?? (list as unknown[]);
  }

  #redactObject(object: Record<string, unknown>): Record<string, unknown> {
    const scanKeys = this.#secrets.size > 0;
    let copy: Record<string, unknown> | undefined;
    // for…in allocates no key array; only own keys count (plain objects have no enumerable inherited ones, but be sure).
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      const item = object[key];
      let redacted = item;
      if (this.isSecretName(key) && isSecretValue(item)) redacted = REDACTED;
      else if (typeof item === 'object' || typeof item === 'string') redacted = this.#redactValue(item);
      const newKey = scanKeys ? this.redactText(key) : key;
      if (copy === undefined && (redacted !== item || newKey !== key)) copy = copyUntil(object, key);
      if (copy !== undefined) define(copy, newKey, redacted);
    }
    return copy ?? object;
  }

  #collectIn(value: unknown): void {
    if (value === null || typeof value !== 'object' || !isWalkable(value) || this.#stack.includes(value)) return;
    this.#stack.push(value);
    try {
      if (Array.isArray(value)) {
        for (const item of value) this.#collectIn(item);
        return;
      }
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (this.isSecretName(key)) this.#collectLeaves(item);
        else this.#collectIn(item);
      }
    } finally {
      this.#stack.pop();
    }
  }

  /** Every string (and number) under a secret-named variable is a secret. */
  #collectLeaves(value: unknown): void {
    if (typeof value === 'string') return this.add(value);
    if (typeof value === 'number' || typeof value === 'bigint') return this.add(String(value));
    if (value === null || typeof value !== 'object' || !isWalkable(value) || this.#stack.includes(value)) return;
    this.#stack.push(value);
    try {
      for (const item of Array.isArray(value) ? value : Object.values(value)) this.#collectLeaves(item);
    } finally {
      this.#stack.pop();
    }
  }
}

/** Only plain objects and arrays are walked: class instances, Buffers and Proxies (hostvars) are left alone. */
function isWalkable(value: object): boolean {
  if (types.isProxy(value)) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A value shown as REDACTED when held by a secret-named key; null, undefined and booleans say nothing secret. */
function isSecretValue(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== 'boolean';
}

/** A new object with the same prototype and the own entries of `object` that come before `stop`. */
function copyUntil(object: Record<string, unknown>, stop: string): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(object) as object | null) as Record<string, unknown>;
  for (const key in object) {
    if (key === stop) break;
    if (Object.hasOwn(object, key)) define(copy, key, object[key]);
  }
  return copy;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` as a plain assignment would change the prototype instead of adding a key.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
