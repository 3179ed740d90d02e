import { describe, expect, it } from 'vitest';
import { apt, packageModule } from '../src/index.js';
import { changesPackages, versionMatches } from '../src/modules/apt.js';
import { FakeTarget, runOn, type Fact } from './helpers/fake-target.js';

const INSTALL_OUT = 'Reading package lists...\nThe following NEW packages will be installed:\n  ufw\n0 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.\n';
const NOTHING_OUT = 'Reading package lists...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n';
const dpkg = (lines: string, rc = 0): Fact => ({ match: /^dpkg-query /, stdout: lines, rc });
const isRead = (line: string) => /^(dpkg-query|apt-cache|sh -c)/.test(line);
const BASE = "apt-get -y -q -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold";

describe('apt', () => {
  it.each([
    {
      title: 'installs only what dpkg lacks',
      args: { name: ['ufw', 'curl'] },
      facts: [dpkg('curl\tinstall ok installed\t7.88.1-10\n', 1), { match: /^apt-get .* install /, stdout: INSTALL_OUT }],
      commands: [`${BASE} install ufw`],
      changed: true,
    },
    {
      title: 'changes nothing when every package is installed (no apt-get call)',
      args: { name: 'ufw,curl', state: 'present' },
      facts: [dpkg('ufw\tinstall ok installed\t0.36.2-1\ncurl\tinstall ok installed\t7.88.1-10\n')],
      commands: [],
      changed: false,
    },
    {
      title: 'pins a version: installed but not matching',
      args: { name: ['nginx=1.22*'], install_recommends: false },
      facts: [dpkg('nginx\tinstall ok installed\t1.20.1-1\n'), { match: /install 'nginx=1\.22\*'$/, stdout: INSTALL_OUT }],
      commands: [`${BASE} -o APT::Install-Recommends=no install 'nginx=1.22*'`],
      changed: true,
    },
    {
      title: 'latest upgrades only when the candidate differs',
      args: { name: ['ufw', 'curl'], state: 'latest' },
      facts: [
        dpkg('ufw\tinstall ok installed\t0.36.2-1\ncurl\tinstall ok installed\t7.88.1-10\n'),
        { match: /^apt-cache policy/, stdout: 'ufw:\n  Installed: 0.36.2-1\n  Candidate: 0.36.2-1\ncurl:\n  Installed: 7.88.1-10\n  Candidate: 7.88.1-10+deb12u5\n' },
        { match: /install curl$/, stdout: '1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n' },
      ],
      commands: [`${BASE} install curl`],
      changed: true,
    },
    {
      title: 'removes installed packages with purge, and packages whose config files remain',
      args: { name: ['docker.io', 'old'], state: 'absent', purge: true, autoremove: true },
      facts: [dpkg('docker.io\tinstall ok installed\t20.10\nold\tdeinstall ok config-files\t1.0\n'), { match: /remove/, stdout: '0 upgraded, 0 newly installed, 2 to remove and 0 not upgraded.\n' }],
      commands: [`${BASE} remove --purge --auto-remove docker.io old`],
      changed: true,
    },
    {
      title: 'does not remove what is absent',
      args: { name: ['docker.io'], state: 'absent' },
      facts: [dpkg('old\tdeinstall ok config-files\t1.0\n', 1)],
      commands: [],
      changed: false,
    },
  ])('$title', async ({ args, facts, commands, changed }) => {
    const target = new FakeTarget(facts);
    const result = await runOn(target, apt, args);
    expect(result.failed).toBeUndefined();
    expect(target.mutations(isRead)).toEqual(commands);
    expect(result.changed).toBe(changed);
    // Check mode sends the same command simulated (-s), and predicts the same change.
    const checkTarget = new FakeTarget(facts.map((f) => (f.match instanceof RegExp && /install|remove/.test(f.match.source) ? { ...f, match: /^apt-get -s / } : f)));
    const predicted = await runOn(checkTarget, apt, args, { check: true });
    expect(checkTarget.mutations(isRead)).toEqual(commands.map((c) => c.replace(/^apt-get /, 'apt-get -s ')));
    expect(predicted.changed).toBe(changed);
  });

  it('apt-get reporting nothing done is not a change (virtual packages)', async () => {
    const target = new FakeTarget([dpkg('', 1), { match: /install/, stdout: NOTHING_OUT }]);
    expect((await runOn(target, apt, { name: 'mail-transport-agent' })).changed).toBe(false);
  });

  it('update_cache alone: changed; with cache_valid_time and a fresh cache: no update', async () => {
    const stale = new FakeTarget([{ match: /^sh -c 'date/, stdout: '1000000\n990000\n3\n' }]);
    expect(await runOn(stale, apt, { update_cache: true, cache_valid_time: 3600 })).toMatchObject({ changed: true, cache_updated: true });
    expect(stale.commands.at(-1)).toBe('apt-get update -q -o DPkg::Lock::Timeout=60');
    expect(stale.options.at(-1)?.env).toMatchObject({ DEBIAN_FRONTEND: 'noninteractive' });
    const fresh = new FakeTarget([{ match: /^sh -c 'date/, stdout: '1000000\n999000\n3\n' }]);
    expect(await runOn(fresh, apt, { update_cache: true, cache_valid_time: 3600 })).toMatchObject({ changed: false, cache_updated: false });
    expect(fresh.commands).toHaveLength(1);
    // In check mode the cache is not refreshed, but the change is predicted.
    const check = new FakeTarget([{ match: /^sh -c 'date/, stdout: '1000000\n990000\n3\n' }]);
    expect(await runOn(check, apt, { update_cache: true }, { check: true })).toMatchObject({ changed: true });
    expect(check.commands).toHaveLength(1);
  });

  it('a cache refresh with packages to manage is not reported as a change', async () => {
    const target = new FakeTarget([{ match: /^sh -c 'date/, stdout: '1000000\n0\n' }, dpkg('ufw\tinstall ok installed\t1\n')]);
    expect(await runOn(target, apt, { name: 'ufw', update_cache: true })).toMatchObject({ changed: false, cache_updated: true });
  });

  it('fails with apt-get\'s message', async () => {
    const target = new FakeTarget([dpkg('', 1), { match: /install/, rc: 100, stderr: 'E: Unable to locate package nosuch\n' }]);
    expect(await runOn(target, apt, { name: 'nosuch' })).toMatchObject({ failed: true, msg: expect.stringContaining('E: Unable to locate package nosuch') });
  });

  it('installs a .deb only when that version is not installed', async () => {
    const facts: Fact[] = [{ match: /^dpkg-deb -f/, stdout: 'Package: foo\nVersion: 1.0\n' }, dpkg('foo\tinstall ok installed\t1.0\n')];
    const same = new FakeTarget(facts);
    expect((await runOn(same, apt, { deb: '/tmp/foo.deb' })).changed).toBe(false);
    const older = new FakeTarget([facts[0]!, dpkg('foo\tinstall ok installed\t0.9\n'), { match: /install \/tmp\/foo\.deb$/, stdout: '1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n' }]);
    expect((await runOn(older, apt, { deb: '/tmp/foo.deb' })).changed).toBe(true);
  });

  it('package hands apt targets to apt', async () => {
    const target = new FakeTarget([dpkg('', 1), { match: /install/, stdout: INSTALL_OUT }]);
    expect((await runOn(target, packageModule, { name: 'jq', state: 'installed' })).changed).toBe(true);
    expect(target.commands.at(-1)).toBe(`${BASE} install jq`);
    const noApt = new FakeTarget([{ match: /command -v/, rc: 1 }]);
    expect(await runOn(noApt, packageModule, { name: 'jq' })).toMatchObject({ failed: true });
  });

  it('reads apt-get summaries, old and new', () => {
    expect(changesPackages(NOTHING_OUT)).toBe(false);
    expect(changesPackages(INSTALL_OUT)).toBe(true);
    expect(changesPackages('Summary:\n  Upgrading: 0, Installing: 0, Removing: 0, Not Upgrading: 3\n')).toBe(false);
    expect(changesPackages('Summary:\n  Upgrading: 0, Installing: 2, Removing: 0, Not Upgrading: 3\n')).toBe(true);
    expect(versionMatches('1.22.1-9', '1.22*')).toBe(true);
    expect(versionMatches('1.20.1', '1.22*')).toBe(false);
  });
});
