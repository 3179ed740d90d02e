import { describe, expect, it } from 'vitest';
import { KbrunError } from '../../src/errors/kbrun-error.js';
import { fixtureDir, lookup, lookupEnv, query } from './lookup-env.js';

const env = lookupEnv(fixtureDir({ 'files/a.txt': 'A\n', 'files/b.txt': 'B\n' }));

function errorOf(run: () => unknown): KbrunError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KbrunError);
    return error as KbrunError;
  }
  throw new Error('expected an error');
}

describe('lookup() and query() as Ansible calls lookups', () => {
  it('query() gives a list, lookup() joins strings with commas', () => {
    expect(query(env, 'file', ['a.txt', 'b.txt'])).toEqual(['A', 'B']);
    expect(lookup(env, 'file', ['a.txt', 'b.txt'])).toBe('A,B');
    expect(lookup(env, 'file', ['a.txt', 'b.txt'], { wantlist: true })).toEqual(['A', 'B']);
  });

  it('lookup() gives one non-string result alone, several as a list, nothing as an empty list', () => {
    expect(lookup(env, 'items', [[1]])).toBe(1);
    expect(lookup(env, 'items', [[1, 2]])).toEqual([1, 2]);
    expect(lookup(env, 'fileglob', ['*.nothing'])).toEqual([]);
  });

  it("errors='ignore' and 'warn' turn a failure into none or an empty list", () => {
    expect(lookup(env, 'file', ['missing.txt'], { errors: 'ignore' })).toBeNull();
    expect(query(env, 'file', ['missing.txt'], { errors: 'ignore' })).toEqual([]);
    const warned = lookupEnv(env.playbookDir);
    expect(lookup(warned, 'file', ['missing.txt'], { errors: 'warn' })).toBeNull();
    expect(warned.warnings[0]).toContain("Lookup failed but the error is being ignored: lookup 'file': could not find 'missing.txt'");
    expect(errorOf(() => lookup(env, 'file', ['missing.txt'])).code).toBe('E_LOOKUP');
  });

  it('accepts the ansible.builtin. prefix', () => {
    expect(lookup(env, 'ansible.builtin.file', ['a.txt'])).toBe('A');
  });

  it('refuses an unknown lookup with a suggestion, even under errors=ignore', () => {
    const error = errorOf(() => lookup(env, 'fiel', ['a.txt'], { errors: 'ignore' }));
    expect(error.message).toBe("unknown lookup 'fiel'; did you mean 'file'?");
    expect(error.hint).toContain('lookups: csvfile, dict, env, file');
  });

  it('refuses a lookup kbrun leaves out, with the reason', () => {
    expect(errorOf(() => lookup(env, 'config', ['DEFAULT_FORKS'])).message).toMatch(/^the lookup 'config' is not supported by kbrun: kbrun's settings/);
  });

  it('refuses an option the lookup does not have, naming those it has', () => {
    const error = errorOf(() => lookup(env, 'file', ['a.txt'], { strip: true, errors: 'ignore' }));
    expect(error.message).toBe("lookup 'file' has no option 'strip'");
    expect(error.hint).toBe('its options: rstrip, lstrip');
    expect(errorOf(() => lookup(env, 'items', [1], { x: 1 })).hint).toBe('it takes no options');
  });

  it("refuses an errors= value other than strict, warn and ignore", () => {
    expect(errorOf(() => lookup(env, 'file', ['a.txt'], { errors: 'quiet' })).message).toContain("errors must be 'strict', 'warn' or 'ignore'");
  });
});
