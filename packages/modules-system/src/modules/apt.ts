import { defineModule, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { downloadOnTarget, targetTempFile } from '../lib/download.js';
import { failure, listArgument, listSchema } from '../lib/results.js';
import { commandLine, errorLine, outputLines, run, runScript } from '../lib/target.js';

/** Arguments of `apt` (ansible.builtin.apt). */
export interface AptArgs {
  name?: string | string[];
  package?: string | string[];
  pkg?: string | string[];
  state: 'present' | 'absent' | 'latest' | 'fixed';
  update_cache?: boolean;
  'update-cache'?: boolean;
  cache_valid_time: number;
  deb?: string;
  install_recommends?: boolean;
  'install-recommends'?: boolean;
  purge: boolean;
  autoremove: boolean;
  autoclean: boolean;
  clean: boolean;
  upgrade: 'no' | 'yes' | 'safe' | 'full' | 'dist';
  default_release?: string;
  'default-release'?: string;
  force: boolean;
  allow_unauthenticated: boolean;
  allow_downgrade: boolean;
  allow_change_held_packages: boolean;
  only_upgrade: boolean;
  fail_on_autoremove: boolean;
  dpkg_options: string;
  lock_timeout: number;
  update_cache_retries: number;
  update_cache_retry_max_delay: number;
  policy_rc_d?: number;
}

const names = listSchema('Package names, optionally `name=version` (the version may end with a `*`).');

/** Manages Debian packages with apt-get: install, upgrade, remove, refresh the cache. */
export const apt = defineModule<AptArgs>({
  name: 'apt',
  description: 'Manages apt packages (ansible.builtin.apt): install/remove/upgrade, update the cache, install a .deb.',
  schema: {
    type: 'object',
    properties: {
      name: names,
      package: { ...names, description: 'Alias of name.' },
      pkg: { ...names, description: 'Alias of name.' },
      state: { enum: ['present', 'absent', 'latest', 'fixed'], default: 'present', description: 'present: installed; latest: the newest candidate; absent: removed; fixed: fix broken dependencies.' },
      update_cache: { type: 'boolean', description: 'Run apt-get update first (alone: changed when the cache was updated).' },
      'update-cache': { type: 'boolean', description: 'Alias of update_cache.' },
      cache_valid_time: { type: 'integer', minimum: 0, default: 0, description: 'Skip the update when the cache is younger than this many seconds (implies update_cache).' },
      deb: { type: 'string', description: 'A .deb file on the target, or a URL the target downloads, to install.' },
      install_recommends: { type: 'boolean', description: 'Install recommended packages (default: the apt configuration).' },
      'install-recommends': { type: 'boolean', description: 'Alias of install_recommends.' },
      purge: { type: 'boolean', default: false, description: 'With state=absent, also remove configuration files.' },
      autoremove: { type: 'boolean', default: false, description: 'Remove dependencies no longer needed (alone: apt-get autoremove).' },
      autoclean: { type: 'boolean', default: false, description: 'Remove obsolete downloaded packages.' },
      clean: { type: 'boolean', default: false, description: 'Empty the downloaded packages cache.' },
      upgrade: { enum: ['no', 'yes', 'safe', 'full', 'dist'], default: 'no', description: 'yes/safe: apt-get upgrade --with-new-pkgs; full/dist: apt-get dist-upgrade.' },
      default_release: { type: 'string', description: 'apt-get -t RELEASE.' },
      'default-release': { type: 'string', description: 'Alias of default_release.' },
      force: { type: 'boolean', default: false, description: 'Allow unauthenticated packages, downgrades, removing essential and held packages.' },
      allow_unauthenticated: { type: 'boolean', default: false, description: 'Install packages that cannot be authenticated.' },
      allow_downgrade: { type: 'boolean', default: false, description: 'Allow installing an older version.' },
      allow_change_held_packages: { type: 'boolean', default: false, description: 'Allow changing held packages.' },
      only_upgrade: { type: 'boolean', default: false, description: 'Only upgrade packages already installed.' },
      fail_on_autoremove: { type: 'boolean', default: false, description: 'Fail instead of removing packages (apt-get --no-remove).' },
      dpkg_options: { type: 'string', default: 'force-confdef,force-confold', description: 'dpkg options, comma-separated, without the leading dashes.' },
      lock_timeout: { type: 'integer', minimum: 0, default: 60, description: 'Seconds to wait for the dpkg lock.' },
      update_cache_retries: { type: 'integer', minimum: 0, default: 5, description: 'Attempts of apt-get update.' },
      update_cache_retry_max_delay: { type: 'integer', minimum: 0, default: 12, description: 'Longest pause in seconds between update attempts.' },
      policy_rc_d: { type: 'integer', description: 'Exit code of a temporary /usr/sbin/policy-rc.d (101: services are not started by installs).' },
    },
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const specs = listArgument(args.name ?? args.package ?? args.pkg);
    const result: ModuleResult = { changed: false, cache_updated: false };
    const env = { DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };

    // 1. The cache.
    const updateCache = args.update_cache ?? args['update-cache'] ?? args.cache_valid_time > 0;
    if (updateCache) {
      const cache = await refreshCache(ctx, args, env);
      if ('error' in cache) return failure(cache.error);
      result['cache_updated'] = cache.updated;
      result['cache_update_time'] = cache.time;
      if (cache.updated) result.changed = true;
    }
    const packagesGiven = specs.length > 0 || args.deb !== undefined || args.upgrade !== 'no' || args.state === 'fixed';
    if (!packagesGiven && !args.autoremove && !args.autoclean && !args.clean) return result;
    // With packages to manage, only package changes count (as in Ansible: a cache refresh alone is not reported).
    if (packagesGiven) result.changed = false;

    // 2. The plan: one apt-get command (or none), decided from dpkg's database.
    const base = aptBase(args);
    const commands: string[][] = [];
    let debFile: string | undefined;
    let cleanupDeb = false;
    if (args.deb !== undefined) {
      const deb = await resolveDeb(ctx, args.deb);
      if ('error' in deb) return failure(deb.error);
      debFile = deb.path;
      cleanupDeb = deb.temporary;
      const info = await run(ctx, ['dpkg-deb', '-f', debFile, 'Package', 'Version']);
      if (info.rc !== 0) return failure(`${args.deb} is not a Debian package: ${errorLine(info)}`);
      const fields = Object.fromEntries(outputLines(info.stdout).map((line) => [line.split(':')[0]!, line.slice(line.indexOf(':') + 1).trim()]));
      const installed = await installedPackages(ctx, [fields['Package']!]);
      if (installed.get(fields['Package']!)?.version !== fields['Version']) commands.push([...base, 'install', debFile.startsWith('/') ? debFile : `./${debFile}`]);
    }
    if (specs.length > 0) {
      const wanted = specs.map(parseSpec);
      const installed = await installedPackages(ctx, wanted.map((w) => w.name));
      if (args.state === 'absent') {
        const remove = wanted.filter((w) => installed.has(w.name) && (installed.get(w.name)!.installed || args.purge)).map((w) => w.name);
        if (remove.length > 0) commands.push([...base, 'remove', ...(args.purge ? ['--purge'] : []), ...(args.autoremove ? ['--auto-remove'] : []), ...remove]);
      } else if (args.state === 'present' || args.state === 'latest') {
        const candidates = args.state === 'latest' ? await candidateVersions(ctx, wanted.map((w) => w.name)) : new Map<string, string>();
        const install = wanted.filter((w) => {
          const current = installed.get(w.name);
          if (!current?.installed) return !args.only_upgrade;
          if (w.version !== undefined) return !versionMatches(current.version, w.version);
          if (args.state === 'latest') return candidates.has(w.name) && candidates.get(w.name) !== current.version;
          return false;
        });
        if (install.length > 0) commands.push([...base, 'install', ...(args.only_upgrade ? ['--only-upgrade'] : []), ...(args.autoremove ? ['--auto-remove'] : []), ...install.map((w) => w.spec)]);
      }
    }
    if (args.state === 'fixed') commands.push([...base, '-f', 'install']);
    if (args.upgrade !== 'no') commands.push(args.upgrade === 'full' || args.upgrade === 'dist' ? [...base, 'dist-upgrade'] : [...base, 'upgrade', '--with-new-pkgs']);
    if (args.autoremove && specs.length === 0 && args.deb === undefined) commands.push([...base, 'autoremove', ...(args.purge ? ['--purge'] : [])]);

    // 3. Check mode asks apt-get to simulate exactly the commands a real run would send; a real run sends them.
    const outputs: { stdout: string; stderr: string }[] = [];
    try {
      for (const argv of commands) {
        const line = ctx.check ? [...argv.slice(0, 1), '-s', ...argv.slice(1)] : argv;
        const done = await withPolicyRcD(ctx, args.policy_rc_d, () => run(ctx, line, { env }));
        outputs.push(done);
        if (done.rc !== 0 && ctx.check) {
          // The index apt simulates against may be the one an earlier task (a cache refresh, a new repository) would
          // change in a real run: the plan is not empty, so a real run changes the host (or fails there).
          return { ...result, changed: true, msg: `apt-get could not simulate '${commandLine(argv)}' against the current package index (${errorLine(done)}); a real run refreshes it first when asked, then installs or fails` };
        }
        if (done.rc !== 0) return failure(`'${commandLine(line)}' failed: ${errorLine(done)}`, { rc: done.rc, stdout: done.stdout, stderr: done.stderr, cache_updated: result['cache_updated'] });
        if (changesPackages(done.stdout)) result.changed = true;
      }
    } finally {
      if (cleanupDeb && debFile) await run(ctx, ['rm', '-f', '--', debFile]);
    }
    if (!ctx.check && (args.autoclean || args.clean)) {
      const cleaned = await run(ctx, ['apt-get', args.clean ? 'clean' : 'autoclean'], { env });
      if (cleaned.rc !== 0) return failure(`apt-get ${args.clean ? 'clean' : 'autoclean'} failed: ${errorLine(cleaned)}`);
      if (!packagesGiven && !args.autoremove) result.changed = args.clean || changesPackages(cleaned.stdout) || /^Del /m.test(cleaned.stdout);
    }
    const stdout = outputs.map((o) => o.stdout).join('');
    const stderr = outputs.map((o) => o.stderr).join('');
    Object.assign(result, { stdout, stderr, stdout_lines: outputLines(stdout), stderr_lines: outputLines(stderr) });
    if (commands.length === 0 && specs.length > 0) result.msg = args.state === 'absent' ? 'packages already absent' : 'packages already installed';
    return result;
  },
});

/** `name`, `name=version` → the name, the version pattern, and the spec passed to apt-get. */
function parseSpec(spec: string): { name: string; version?: string; spec: string } {
  const at = spec.indexOf('=');
  const name = (at < 0 ? spec : spec.slice(0, at)).replace(/:[a-z0-9]+$/, '');
  return at < 0 ? { name, spec } : { name, version: spec.slice(at + 1), spec };
}

/** Whether an installed version satisfies a version pattern (a trailing `*` matches any rest, as Ansible's fnmatch). */
export function versionMatches(installed: string, pattern: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(installed);
}

// apt-get with the options every call shares.
function aptBase(args: AptArgs): string[] {
  const argv = ['apt-get', '-y', '-q', '-o', `DPkg::Lock::Timeout=${args.lock_timeout}`];
  for (const option of args.dpkg_options.split(',').map((o) => o.trim()).filter((o) => o !== '')) argv.push('-o', `Dpkg::Options::=--${option}`);
  const recommends = args.install_recommends ?? args['install-recommends'];
  if (recommends !== undefined) argv.push('-o', `APT::Install-Recommends=${recommends ? 'yes' : 'no'}`);
  const release = args.default_release ?? args['default-release'];
  if (release !== undefined) argv.push('-t', release);
  if (args.force) argv.push('--allow-unauthenticated', '--allow-downgrades', '--allow-remove-essential', '--allow-change-held-packages');
  else {
    if (args.allow_unauthenticated) argv.push('--allow-unauthenticated');
    if (args.allow_downgrade) argv.push('--allow-downgrades');
    if (args.allow_change_held_packages) argv.push('--allow-change-held-packages');
  }
  if (args.fail_on_autoremove) argv.push('--no-remove');
  return argv;
}

/** Whether apt-get's output (real or simulated) reports a package change. */
export function changesPackages(stdout: string): boolean {
  const summary = /^(\d+) upgraded, (\d+) newly installed, (?:(\d+) downgraded, )?(?:(\d+) reinstalled, )?(\d+) to remove/m.exec(stdout);
  if (summary) return summary.slice(1).some((n) => n !== undefined && Number(n) > 0);
  // apt ≥ 2.9 prints "Summary:\n  Upgrading: 0, Installing: 1, Removing: 0, Not Upgrading: 0"
  const modern = /Upgrading: (\d+), Installing: (\d+)(?:, Reinstalling: (\d+))?(?:, Downgrading: (\d+))?, Removing: (\d+)/.exec(stdout);
  if (modern) return modern.slice(1).some((n) => n !== undefined && Number(n) > 0);
  return /^(Inst|Remv|Purg|Conf) /m.test(stdout);
}

interface InstalledPackage {
  installed: boolean;
  version: string;
}

/** dpkg's view of the packages: installed, or only their configuration left (`rc`). */
async function installedPackages(ctx: ModuleContext, packages: string[]): Promise<Map<string, InstalledPackage>> {
  const query = await run(ctx, ['dpkg-query', '-W', '-f', '${Package}\\t${Status}\\t${Version}\\n', '--', ...packages]);
  const map = new Map<string, InstalledPackage>();
  for (const line of outputLines(query.stdout)) {
    const [name, status, version] = line.split('\t');
    if (!name || !status) continue;
    if (status.endsWith(' installed')) map.set(name, { installed: true, version: version ?? '' });
    else if (status.endsWith(' config-files')) map.set(name, { installed: false, version: version ?? '' });
  }
  return map;
}

/** apt's candidate version of each package (`apt-cache policy`). */
async function candidateVersions(ctx: ModuleContext, packages: string[]): Promise<Map<string, string>> {
  const policy = await run(ctx, ['apt-cache', 'policy', '--', ...packages]);
  const map = new Map<string, string>();
  let current: string | undefined;
  for (const line of outputLines(policy.stdout)) {
    const header = /^(\S+):$/.exec(line);
    if (header) current = header[1]!.replace(/:[a-z0-9]+$/, '');
    const candidate = /^\s+Candidate: (\S+)/.exec(line);
    if (candidate && current !== undefined && candidate[1] !== '(none)') map.set(current, candidate[1]!);
  }
  return map;
}

// Now, the time of the last successful update (the stamp apt's periodic job and apt-get update leave, else the lists'
// directory), and how many package lists there are.
const STAMP_SCRIPT = `date +%s
stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0
ls /var/lib/apt/lists 2>/dev/null | grep -c '_Packages' || true`;

// Runs apt-get update when the cache is older than cache_valid_time (or always without it).
async function refreshCache(ctx: ModuleContext, args: AptArgs, env: Record<string, string>): Promise<{ updated: boolean; time: number } | { error: string }> {
  const stamp = await runScript(ctx, STAMP_SCRIPT);
  const [now = 0, mtime = 0, lists = 0] = outputLines(stamp.stdout).map(Number);
  // An index that was never downloaded (no Packages lists) is never fresh, whatever the directory's date.
  if (args.cache_valid_time > 0 && lists > 0 && now - mtime < args.cache_valid_time) return { updated: false, time: mtime };
  if (ctx.check) return { updated: true, time: now };
  let last = '';
  for (let attempt = 0; attempt <= args.update_cache_retries; attempt++) {
    const update = await run(ctx, ['apt-get', 'update', '-q', '-o', `DPkg::Lock::Timeout=${args.lock_timeout}`], { env });
    if (update.rc === 0) return { updated: true, time: now };
    last = errorLine(update);
    if (attempt < args.update_cache_retries) await ctx.sleep(Math.min(2 ** attempt, args.update_cache_retry_max_delay) * 1000);
  }
  return { error: `Failed to update apt cache: ${last}` };
}

// A .deb on the target, or downloaded there first.
async function resolveDeb(ctx: ModuleContext, deb: string): Promise<{ path: string; temporary: boolean } | { error: string }> {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(deb)) return { path: deb, temporary: false };
  const temp = await targetTempFile(ctx, '.deb');
  if (typeof temp !== 'string') return temp;
  const fetched = await downloadOnTarget(ctx, deb, temp, { timeout: 30 });
  if (!fetched.ok) {
    await run(ctx, ['rm', '-f', '--', temp]);
    return { error: `Failure downloading ${deb}: ${fetched.msg}` };
  }
  return { path: temp, temporary: true };
}

// policy_rc_d: a temporary /usr/sbin/policy-rc.d around the installs, as Ansible writes it.
async function withPolicyRcD<T>(ctx: ModuleContext, code: number | undefined, action: () => Promise<T>): Promise<T> {
  if (code === undefined || ctx.check) return action();
  await runScript(ctx, '[ -e /usr/sbin/policy-rc.d ] && mv -f /usr/sbin/policy-rc.d /usr/sbin/policy-rc.d.kbrun-saved; exit 0');
  await ctx.connection.put('/usr/sbin/policy-rc.d', `#!/bin/sh\nexit ${code}\n`, { mode: 0o755 });
  try {
    return await action();
  } finally {
    await runScript(ctx, 'rm -f /usr/sbin/policy-rc.d; [ -e /usr/sbin/policy-rc.d.kbrun-saved ] && mv -f /usr/sbin/policy-rc.d.kbrun-saved /usr/sbin/policy-rc.d; exit 0');
  }
}
