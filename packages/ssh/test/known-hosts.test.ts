import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { judgeHostKey, preferredHostKeyAlgorithms } from '../src/host-key-check.js';
import { hostMatches, keyFingerprint, keyTypeOf, knownHostLine, knownHostsName, parseKnownHosts } from '../src/known-hosts.js';

/** A fake public key blob of the given type (only the type prefix matters to known_hosts logic). */
function blob(type: string, fill: number): Buffer {
  const name = Buffer.from(type);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(name.length);
  return Buffer.concat([head, name, Buffer.alloc(32, fill)]);
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('names hosts as OpenSSH records them', () => {
    expect(knownHostsName('Web1.example', 22)).toBe('web1.example');
    expect(knownHostsName('127.0.0.10', 2222)).toBe('[127.0.0.10]:2222');
    expect(knownHostsName('::1', 22)).toBe('::1');
    expect(knownHostsName('[::1]', 2222)).toBe('[::1]:2222');
  });

  it('matches plain, wildcard, negated, [host]:port and hashed names', () => {
    expect(hostMatches('a.example,b.example', 'b.example')).toBe(true);
    expect(hostMatches('*.example,!bad.example', 'good.example')).toBe(true);
    expect(hostMatches('*.example,!bad.example', 'bad.example')).toBe(false);
    expect(hostMatches('[127.0.0.10]:2222', '[127.0.0.10]:2222')).toBe(true);
    expect(hostMatches('[127.0.0.10]:2222', '127.0.0.10')).toBe(false);
    expect(hostMatches('127.0.0.?', '127.0.0.5')).toBe(true);
    expect(hostMatches(hashed('[127.0.0.10]:2222'), '[127.0.0.10]:2222')).toBe(true);
    expect(hostMatches(hashed('[127.0.0.10]:2222'), '[127.0.0.11]:2222')).toBe(false);
  });

  it('parses lines with markers and comments, skipping junk', () => {
    const key = blob('ssh-ed25519', 1);
    const text = [
      '# comment',
      '',
      `${knownHostLine('[127.0.0.10]:2222', key)} root@somewhere`,
      `@revoked * ssh-ed25519 ${blob('ssh-ed25519', 9).toString('base64')}`,
      '@unknown-marker x ssh-rsa AAAA',
      'incomplete-line',
    ].join('\n');
    const entries = parseKnownHosts(text, '/k');
    expect(entries.map((e) => [e.marker, e.hosts, e.keyType, e.line])).toEqual([
      [undefined, '[127.0.0.10]:2222', 'ssh-ed25519', 3],
      ['revoked', '*', 'ssh-ed25519', 4],
    ]);
    expect(entries[0]!.key.equals(key)).toBe(true);
    expect(keyTypeOf(key)).toBe('ssh-ed25519');
    expect(keyFingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('judges keys: known, changed (same type), unknown (other type only), revoked', () => {
    const ed = blob('ssh-ed25519', 1);
    const entries = parseKnownHosts(`h ${'ssh-ed25519'} ${ed.toString('base64')}\nh ssh-rsa ${blob('ssh-rsa', 2).toString('base64')}\n`, '/k');
    expect(judgeHostKey(entries, ed).kind).toBe('known');
    expect(judgeHostKey(entries, blob('ssh-ed25519', 3))).toMatchObject({ kind: 'changed', entry: { line: 1 } });
    expect(judgeHostKey(entries, blob('ecdsa-sha2-nistp256', 4))).toEqual({ kind: 'unknown', otherTypes: ['ssh-ed25519', 'ssh-rsa'] });
    expect(judgeHostKey([], ed)).toEqual({ kind: 'unknown', otherTypes: [] });
    const revoked = parseKnownHosts(`@revoked * ssh-ed25519 ${ed.toString('base64')}\nh ssh-ed25519 ${ed.toString('base64')}`, '/k');
    expect(judgeHostKey(revoked, ed).kind).toBe('revoked');
  });

  it('asks for the key types it knows first', () => {
    const entries = parseKnownHosts(`h ssh-rsa ${blob('ssh-rsa', 2).toString('base64')}`, '/k');
    expect(preferredHostKeyAlgorithms(entries).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
  });
});
