import { describe, expect, it } from 'vitest';
import { remoteCommand } from '../src/remote-command.js';

describe('remote command lines', () => {
  it('quotes argument vectors and runs strings through /bin/sh -c', () => {
    expect(remoteCommand(['echo', "it's", 'a b'], {}).line).toBe(`echo 'it'\\''s' 'a b'`);
    expect(remoteCommand('echo $HOME | wc -c', {}).line).toBe(`/bin/sh -c 'echo $HOME | wc -c'`);
  });

  it('changes directory and sets variables before the command', () => {
    expect(remoteCommand(['ls'], { cwd: '/tmp/a b', env: { LANG: 'C', X: "y'z" } }).line).toBe(`cd '/tmp/a b' && env LANG=C 'X=y'\\''z' ls`);
    expect(() => remoteCommand(['ls'], { env: { 'BAD NAME': '1' } })).toThrow(/not valid/);
  });

  it('wraps the whole line in sudo, with a unique prompt and start marker when there is a password', () => {
    expect(remoteCommand(['id'], { cwd: '/root', become: { method: 'sudo', user: 'root' } }).line).toBe(`sudo -H -n -u root -- /bin/sh -c 'cd /root && id'`);
    const withPassword = remoteCommand(['id'], { become: { method: 'sudo', user: 'app', password: 'hunter22' } });
    expect(withPassword.line).not.toContain('hunter22');
    expect(withPassword.line).toMatch(/^sudo -H -S -p '\[kbrun-sudo-password-[0-9a-f]{16}\]' -u app -- \/bin\/sh -c 'echo KBRUN-BECOME-STARTED-[0-9a-f]{16}; exec "\$@"' sh \/bin\/sh -c id$/);
    expect(withPassword.become).toMatchObject({ user: 'app', password: 'hunter22' });
  });
});
