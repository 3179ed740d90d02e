import { describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_PATTERNS, REDACTED, Redactor } from '../../src/secrets/redactor.js';

describe('Redactor.isSecretName', () => {
  it('matches the default patterns, case-insensitively', () => {
    const r = new Redactor();
    for (const name of ['hcloud_token', 'DB_PASSWORD', 'jwt_secret', 'ssh_key', 'smtp_pass', 'ansible_ssh_pass', 'ansible_become_password', 'ansible_become_pass']) {
      expect(r.isSecretName(name), name).toBe(true);
    }
    for (const name of ['token', 'password', 'passwords', 'keys', 'db_host', 'token_ttl', 'passage']) expect(r.isSecretName(name), name).toBe(false);
    expect(DEFAULT_SECRET_PATTERNS).toContain('*_token');
  });

  it('takes custom globs: * only, other characters literal', () => {
    const r = new Redactor(['vault_*', 'a.b', 'x+y*']);
    expect(r.isSecretName('vault_anything')).toBe(true);
    expect(r.isSecretName('a.b')).toBe(true);
    expect(r.isSecretName('axb')).toBe(false);
    expect(r.isSecretName('x+yz')).toBe(true);
    expect(r.isSecretName('db_password')).toBe(false);
    expect(new Redactor([]).isSecretName('db_password')).toBe(false);
  });
});

describe('Redactor.collect', () => {
  it('remembers values of secret-named variables, deeply, ignoring short strings', () => {
    const r = new Redactor();
    r.collect({
      hcloud_token: 'tok-123456',
      db: { admin_password: 'adm1nPass', host: 'db1', users: [{ name: 'app', app_password: 'appPass99' }] },
      short_pass: 'abc',
      port: 5432,
      api_key: { id: 'key-id-1', value: 'key-value-1' },
      pin_secret: 987654,
      plain: 'not secret at all',
    });
    expect(r.size).toBe(6);
    expect(r.redactText('tok-123456 adm1nPass appPass99 key-id-1 key-value-1 987654 abc db1')).toBe(
      `${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} abc db1`,
    );
  });

  it('does not loop on cycles and skips class instances and proxies', () => {
    const r = new Redactor();
    const a: Record<string, unknown> = { one_token: 'cyclic-token' };
    a.self = a;
    a.list = [a, { inner: a }];
    const hostvars = new Proxy({}, { ownKeys: () => { throw new Error('must not enumerate'); } });
    class Box { box_token = 'inside-a-class'; }
    r.collect({ a, hostvars, box: new Box() });
    expect(r.size).toBe(1);
  });
});

describe('Redactor.redact', () => {
  it('returns the very same value when there are no secrets and no secret-named keys', () => {
    const r = new Redactor();
    const result = { changed: true, rc: 0, stdout: 'ok', stdout_lines: ['ok'], nested: { list: [1, 2, { a: 'b' }] } };
    expect(r.redact(result)).toBe(result);
    expect(r.redact('text')).toBe('text');
    expect(r.redact(42)).toBe(42);
    expect(r.redact(null)).toBe(null);
    r.add('some-secret');
    expect(r.redact(result)).toBe(result);
    expect(new Redactor([]).redact({ db_password: 'x' })).toEqual({ db_password: 'x' });
  });

  it('replaces secrets in strings, keys, arrays and nested objects, without touching the input', () => {
    const r = new Redactor();
    r.add('s3cr3t-value');
    const input = {
      changed: false,
      cmd: ['mysql', '-ps3cr3t-value'],
      stdout: 'login with s3cr3t-value ok',
      'header-s3cr3t-value': 1,
      deep: { deeper: [{ msg: 'x s3cr3t-value y' }] },
      untouched: { a: 'b' },
    };
    const snapshot = structuredClone(input);
    const out = r.redact(input);
    expect(out).toEqual({
      changed: false,
      cmd: ['mysql', `-p${REDACTED}`],
      stdout: `login with ${REDACTED} ok`,
      [`header-${REDACTED}`]: 1,
      deep: { deeper: [{ msg: `x ${REDACTED} y` }] },
      untouched: { a: 'b' },
    });
    expect(input).toEqual(snapshot);
    expect(out.untouched).toBe(input.untouched);
  });

  it('replaces the values of secret-named keys whole, even unknown ones', () => {
    const r = new Redactor();
    const out = r.redact({ user: 'app', new_token: 'xy', creds: { db_password: { nested: 'z' } }, ssh_key: null, use_key: true });
    expect(out).toEqual({ user: 'app', new_token: REDACTED, creds: { db_password: REDACTED }, ssh_key: null, use_key: true });
  });

  it('replaces the longest secret first', () => {
    const r = new Redactor();
    r.add('abcd');
    r.add('abcdefgh');
    expect(r.redactText('abcdefgh abcd')).toBe(`${REDACTED} ${REDACTED}`);
    r.add('a.c*');
    expect(r.redactText('a.c* abcx')).toBe(`${REDACTED} abcx`);
  });

  it('rebuilds its combined pattern when secrets are added', () => {
    const r = new Redactor();
    r.add('first-secret');
    expect(r.redactText('first-secret second-secret')).toBe(`${REDACTED} second-secret`);
    r.add('second-secret');
    expect(r.redactText('first-secret second-secret')).toBe(`${REDACTED} ${REDACTED}`);
    r.add('second-secret');
    expect(r.size).toBe(2);
  });

  it('finds the JSON-escaped, shell-quoted and URL-encoded forms', () => {
    const r = new Redactor();
    const secret = 'pa"ss\\wo\nrd\'x@y';
    r.add(secret);
    expect(r.redactText(`error: ${JSON.stringify({ password: secret })}`)).toBe(`error: {"password":"${REDACTED}"}`);
    expect(r.redactText(`mysql -p'${secret.replace(/'/g, `'\\''`)}'`)).toBe(`mysql -p'${REDACTED}'`);
    expect(r.redactText(`https://u:${encodeURIComponent(secret)}@host/`)).toBe(`https://u:${REDACTED}@host/`);
    expect(r.redactText(secret)).toBe(REDACTED);
  });

  it('redacts trimmed and per-line forms of multi-line secrets (vault files end with a newline)', () => {
    const r = new Redactor();
    r.add('-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nmoreKeyMaterialHere1234\n-----END KEY-----\n');
    expect(r.size).toBe(1);
    expect(r.redactText('got MIIEvQIBADANBgkqhkiG9w0BAQEFAASC here')).toBe(`got ${REDACTED} here`);
    expect(r.redactText('x -----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nmoreKeyMaterialHere1234\n-----END KEY----- y')).toBe(`x ${REDACTED} y`);
  });

  it('ignores secrets shorter than 4 characters', () => {
    const r = new Redactor();
    r.add('abc');
    r.add('');
    r.add('  x  ');
    expect(r.size).toBe(0);
    expect(r.redactText('abc')).toBe('abc');
  });

  it('survives cycles and leaves non-plain objects alone', () => {
    const r = new Redactor();
    r.add('cycle-secret');
    const a: Record<string, unknown> = { msg: 'cycle-secret' };
    a.self = a;
    a.list = [a];
    const out = r.redact(a) as Record<string, unknown>;
    expect(out.msg).toBe(REDACTED);
    expect(out.self).toBe(a);
    const date = new Date();
    const proxy = new Proxy({ msg: 'cycle-secret' }, {});
    const holder = { date, proxy, buf: Buffer.from('cycle-secret') };
    expect(r.redact(holder)).toBe(holder);
  });

  it('keeps null-prototype objects and a __proto__ key as data', () => {
    const r = new Redactor();
    r.add('proto-secret');
    const bare = Object.create(null) as Record<string, unknown>;
    bare.msg = 'proto-secret';
    const out = r.redact(bare);
    expect(Object.getPrototypeOf(out)).toBe(null);
    expect(out.msg).toBe(REDACTED);
    const tricky = JSON.parse('{"__proto__": {"msg": "proto-secret"}, "a": "proto-secret"}') as Record<string, unknown>;
    const cleaned = r.redact(tricky);
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(cleaned, '__proto__')?.value).toEqual({ msg: REDACTED });
  });

  it('is fast on the hot path: 50,000 results with and without secrets', () => {
    const result = { changed: true, rc: 0, cmd: ['systemctl', 'restart', 'nginx'], stdout: 'x'.repeat(200), stderr: '', stdout_lines: ['a', 'b', 'c'], msg: 'done', item: { name: 'web1', state: 'started' } };
    const none = new Redactor();
    let start = performance.now();
    for (let i = 0; i < 50_000; i++) none.redact(result);
    const emptyMs = performance.now() - start;
    const some = new Redactor();
    for (let i = 0; i < 20; i++) some.add(`secret-number-${i}-${'z'.repeat(i)}`);
    start = performance.now();
    for (let i = 0; i < 50_000; i++) some.redact(result);
    const secretsMs = performance.now() - start;
    // Loose bounds (≈1 µs and ≈3 µs per result in practice): they catch a regression to per-call RegExp builds or deep copies, not noise on a busy CI machine.
    expect(emptyMs).toBeLessThan(2000);
    expect(secretsMs).toBeLessThan(8000);
  });
});
