import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureDir, lookup, lookupEnv } from './lookup-env.js';

describe('password', () => {
  it('creates the file once (0600 in a 0700 directory), then reads the same password back', () => {
    const dir = fixtureDir();
    const env = lookupEnv(dir);
    const first = lookup(env, 'password', ['credentials/db length=24']) as string;
    expect(first).toMatch(/^[A-Za-z0-9.,:\-_]{24}$/);
    const file = join(dir, 'credentials/db');
    expect(readFileSync(file, 'utf8')).toBe(`${first}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'credentials')).mode & 0o777).toBe(0o700);
    // Other options do not matter once the file exists: its password is the password.
    expect(lookup(env, 'password', ['credentials/db length=8 chars=digits'])).toBe(first);
    expect(lookup(env, 'password', [file])).toBe(first);
  });

  it('draws what Ansible draws for a seed', () => {
    const env = lookupEnv(fixtureDir());
    // Printed by ansible-playbook 2.14 for the same terms.
    expect(lookup(env, 'password', ['/dev/null length=12 chars=ascii_letters,digits seed=compat'])).toBe('2FZ1OIUxvEIz');
    expect(lookup(env, 'password', ['/dev/null'], { length: 16, chars: ['digits', ',,'], seed: 'x' })).toBe(',59971697,762679');
    expect(lookup(env, 'password', ['/dev/null chars=digits,,,punctuation length=10 seed=y'])).toBe('#/`5[[/~`6');
  });

  it('uses only the characters asked for, quotes removed', () => {
    const env = lookupEnv(fixtureDir());
    expect(lookup(env, 'password', ['/dev/null length=40 chars=hexdigits'])).toMatch(/^[0-9a-fA-F]{40}$/);
    expect(lookup(env, 'password', ['/dev/null length=30'], { chars: ['"\'x'] })).toBe('x'.repeat(30));
    expect(() => lookup(env, 'password', ['/dev/null'], { chars: ['"'] })).toThrow('chars leaves no character to choose from');
  });

  it('never writes /dev/null and generates a new password each time', () => {
    const env = lookupEnv(fixtureDir());
    expect(lookup(env, 'password', ['/dev/null length=30'])).not.toBe(lookup(env, 'password', ['/dev/null length=30']));
  });

  it('reads the password of a file written with a salt', () => {
    const dir = fixtureDir();
    writeFileSync(join(dir, 'salted'), 'clearpass salt=abcdefgh\n');
    expect(lookup(lookupEnv(dir), 'password', ['salted'])).toBe('clearpass');
  });

  it('refuses unknown inline options', () => {
    const dir = fixtureDir();
    const env = lookupEnv(dir);
    expect(() => lookup(env, 'password', ['pw lenght=3'])).toThrow('unknown option(s) lenght (options: length, encrypt, chars, ident, seed)');
    expect(existsSync(join(dir, 'pw'))).toBe(false);
  });

  it('gives the crypt hash with encrypt=, with the salt kept in the file (the hashes ansible-playbook 2.14 gives)', () => {
    const dir = fixtureDir({ pw512: 'secret salt=abcdefghijklmnop\n', pwmd5: 'secret salt=abcdefgh\n', pwbc: 'M--H.BVugy6usUToY-bb salt=/dwluqFKvttEQE3hmuQl4m ident=2b\n' });
    const env = lookupEnv(dir);
    expect(lookup(env, 'password', ['pw512 encrypt=sha512_crypt'])).toBe('$6$rounds=656000$abcdefghijklmnop$z9xJ0y9RW3OBrlS6NcWPGwdenhYZEfWfk/pE3f9Yi4fg6SOtfkCkdCMOHQU98M5EBxrur4.yLTmNNcqIWS8Cq0');
    expect(lookup(env, 'password', ['pw512'], { encrypt: 'sha256_crypt' })).toBe('$5$rounds=535000$abcdefghijklmnop$urYZaQPmPZhJ71QqMl82jO72tkInTuZvy3UJseNTUE6');
    expect(lookup(env, 'password', ['pwmd5 encrypt=md5_crypt'])).toBe('$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1');
    expect(lookup(env, 'password', ['pwbc encrypt=bcrypt'])).toBe('$2b$12$/dwluqFKvttEQE3hmuQl4eclNtKxL128RR2MRJ.Wew.YY9BHGIumO');
    expect(lookup(env, 'password', ['pw512'])).toBe('secret');
  });

  it('makes the salt once: a new password file holds it, and a second lookup gives the same hash', () => {
    const dir = fixtureDir({ plain: 'secret\n' });
    const env = lookupEnv(dir);
    const hash = lookup(env, 'password', ['plain encrypt=sha512_crypt']) as string;
    expect(hash).toMatch(/^\$6\$rounds=656000\$[./0-9A-Za-z]{16}\$/);
    expect(readFileSync(join(dir, 'plain'), 'utf8')).toMatch(/^secret salt=[./0-9A-Za-z]{16}\n$/);
    expect(lookup(env, 'password', ['plain encrypt=sha512_crypt'])).toBe(hash);
    const bcrypted = lookup(env, 'password', ['fresh encrypt=bcrypt length=12']) as string;
    expect(bcrypted).toMatch(/^\$2b\$12\$/);
    expect(readFileSync(join(dir, 'fresh'), 'utf8')).toMatch(/^\S{12} salt=[./0-9A-Za-z]{22} ident=2b\n$/);
    expect(() => lookup(env, 'password', ['x encrypt=pbkdf2_sha256'])).toThrow(/lookup 'password': password_hash: kbrun implements/);
  });
});
