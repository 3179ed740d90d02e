import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/expr/index.js';
import { encryptVault } from '../../src/secrets/vault.js';

const ev = (source: string, vars: Record<string, unknown> = {}): unknown => compileExpression(source).evaluate(vars);

// What the recorded Ansible cases cannot pin down: results that depend on the system's randomness.
describe('random without a seed', () => {
  it('random gives an integer in range or an item, shuffle a permutation', () => {
    for (let i = 0; i < 50; i++) {
      const n = ev('10 | random(2, 4)') as number;
      expect([2, 6]).toContain(n);
      expect(['a', 'b', 'c']).toContain(ev("['a', 'b', 'c'] | random"));
    }
    expect((ev('range(20) | shuffle') as number[]).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('start and step only go with an integer', () => {
    expect(() => ev("['a'] | random(1)")).toThrow('start and step can only be used with integer values');
    expect(() => ev('1.5 | random')).toThrow('random can only be used on sequences and integers');
  });
});

describe('password_hash without a salt', () => {
  it('draws a salt of the scheme and hashes with it', () => {
    const hash = ev("'pw' | password_hash('sha512', rounds=1000)") as string;
    const m = /^\$6\$rounds=1000\$([./0-9A-Za-z]{16})\$[./0-9A-Za-z]{86}$/.exec(hash);
    expect(m).not.toBeNull();
    expect(ev(`'pw' | password_hash('sha512', '${m![1]}', rounds=1000)`)).toBe(hash);
    expect(ev("'pw' | password_hash('md5')")).toMatch(/^\$1\$[./0-9A-Za-z]{8}\$[./0-9A-Za-z]{22}$/);
    expect(ev("'pw' | password_hash('blowfish', rounds=4)")).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
  });

  it('names the schemes it has when asked for another', () => {
    expect(() => ev("'pw' | password_hash('des_crypt')")).toThrow(/kbrun implements md5_crypt, sha256_crypt, sha512_crypt, bcrypt/);
  });
});

describe('vault and unvault', () => {
  it('round-trips with a random salt, in Ansible format', () => {
    const text = ev("'s3cret' | vault('pw')") as string;
    expect(text).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;filter_default\n([0-9a-f]{80}\n)+/);
    expect(ev("v | unvault('pw')", { v: text })).toBe('s3cret');
    expect(() => ev("v | unvault('nope')", { v: text })).toThrow('HMAC mismatch');
  });

  it("reads kbrun's own vault text too", () => {
    expect(ev("v | unvault('pw')", { v: encryptVault('kbrun secret', 'pw') })).toBe('kbrun secret');
  });
});
