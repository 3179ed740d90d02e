import { defineModule, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { failure, listArgument, listSchema } from '../lib/results.js';
import { commandLine, errorLine, outputLines, run, runScript } from '../lib/target.js';
import { getGroup } from './group.js';

/** Arguments of `user` (ansible.builtin.user, Linux). */
export interface UserArgs {
  name: string;
  user?: string;
  state: 'present' | 'absent';
  uid?: number;
  group?: string | number;
  groups?: string | string[];
  append: boolean;
  comment?: string;
  home?: string;
  shell?: string;
  password?: string;
  update_password: 'always' | 'on_create';
  password_lock?: boolean;
  create_home: boolean;
  createhome?: boolean;
  move_home: boolean;
  skeleton?: string;
  system: boolean;
  force: boolean;
  remove: boolean;
  non_unique: boolean;
  expires?: number;
  local: boolean;
  umask?: string;
  password_expire_max?: number;
  password_expire_min?: number;
  password_expire_warn?: number;
  uid_min?: number;
  uid_max?: number;
  generate_ssh_key: boolean;
  ssh_key_bits?: number;
  ssh_key_type: string;
  ssh_key_file?: string;
  ssh_key_comment?: string;
  ssh_key_passphrase?: string;
  seuser?: string;
}

/** A user's passwd and shadow entries. */
interface UserFacts {
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
  hash?: string;
  /** Shadow fields: days since the epoch of expiry ('' none), max/min/warn days. */
  expireDays?: string;
  max?: string;
  min?: string;
  warn?: string;
  groups: string[];
}

/** Creates, changes or removes a local user (useradd, usermod, userdel), and optionally its SSH key. */
export const user = defineModule<UserArgs>({
  name: 'user',
  description: 'Manages user accounts (ansible.builtin.user): ids, groups, home, shell, password hash, expiry, SSH key.',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The user.' },
      user: { type: 'string', description: 'Alias of name.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the account exists.' },
      uid: { type: 'integer', minimum: 0, description: 'Its id.' },
      group: { type: ['string', 'integer'], description: 'Its primary group (name or gid; must exist).' },
      groups: listSchema("Supplementary groups ('' removes them all unless append)."),
      append: { type: 'boolean', default: false, description: 'Add to groups without removing the user from others.' },
      comment: { type: 'string', description: 'The GECOS field.' },
      home: { type: 'string', description: 'Home directory.' },
      shell: { type: 'string', description: 'Login shell.' },
      password: { type: 'string', description: 'A crypt(3) hash (never clear text), e.g. from password_hash.' },
      update_password: { enum: ['always', 'on_create'], default: 'always', description: 'always: set the hash when it differs; on_create: only for new users.' },
      password_lock: { type: 'boolean', description: 'Lock (true) or unlock (false) the password (usermod -L/-U).' },
      create_home: { type: 'boolean', default: true, description: 'Create the home directory of a new user.' },
      createhome: { type: 'boolean', description: 'Alias of create_home.' },
      move_home: { type: 'boolean', default: false, description: 'With a new home, move the contents there.' },
      skeleton: { type: 'string', description: 'Skeleton directory for a new home.' },
      system: { type: 'boolean', default: false, description: 'A system account (only at creation).' },
      force: { type: 'boolean', default: false, description: 'With state=absent, remove even when logged in (userdel -f).' },
      remove: { type: 'boolean', default: false, description: 'With state=absent, remove the home directory and mail spool (userdel -r).' },
      non_unique: { type: 'boolean', default: false, description: 'Allow a uid already in use.' },
      expires: { type: 'number', description: 'Account expiry in seconds since the epoch; negative removes it.' },
      local: { type: 'boolean', default: false, description: 'Use luseradd and friends.' },
      umask: { type: 'string', description: 'Umask of a new home directory.' },
      password_expire_max: { type: 'integer', description: 'Maximum days between password changes.' },
      password_expire_min: { type: 'integer', description: 'Minimum days between password changes.' },
      password_expire_warn: { type: 'integer', description: 'Days of warning before the password expires.' },
      uid_min: { type: 'integer', description: 'Lowest uid for a new user.' },
      uid_max: { type: 'integer', description: 'Highest uid for a new user.' },
      generate_ssh_key: { type: 'boolean', default: false, description: 'Generate an SSH key when the user has none at ssh_key_file.' },
      ssh_key_bits: { type: 'integer', description: 'Bits of the generated key.' },
      ssh_key_type: { type: 'string', default: 'rsa', description: 'Type of the generated key.' },
      ssh_key_file: { type: 'string', description: 'Key file, relative to the home directory (default .ssh/id_TYPE).' },
      ssh_key_comment: { type: 'string', description: 'Comment of the generated key (default ansible-generated on HOST).' },
      ssh_key_passphrase: { type: 'string', description: 'Passphrase of the generated key.' },
      seuser: { type: 'string', description: 'SELinux user (useradd/usermod -Z).' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const name = args.name;
    const prefix = args.local ? 'l' : '';
    const facts = await userFacts(ctx, name);
    if (args.state === 'absent') {
      const result: ModuleResult = { name, state: 'absent', force: args.force, remove: args.remove, changed: facts !== undefined };
      if (!facts || ctx.check) return result;
      const argv = [`${prefix}userdel`, ...(args.force ? ['-f'] : []), ...(args.remove ? ['-r'] : []), name];
      const done = await run(ctx, argv);
      if (done.rc !== 0) return failure(`${commandLine(argv)} failed: ${errorLine(done)}`, { name });
      return result;
    }

    // Groups must exist: resolve the primary group and the supplementary ones.
    let gid: number | undefined;
    if (args.group !== undefined) {
      const primary = await getGroup(ctx, String(args.group));
      if (!primary) {
        if (!ctx.check) return failure(`Group ${args.group} does not exist`, { name });
      } else gid = primary.gid;
    }
    const wantedGroups = args.groups === undefined ? undefined : listArgument(args.groups);
    if (wantedGroups) {
      for (const groupName of wantedGroups) {
        if (!(await getGroup(ctx, groupName)) && !ctx.check) return failure(`Group ${groupName} does not exist`, { name });
      }
    }
    const createHome = args.createhome ?? args.create_home;
    const argv: string[] = [];
    if (!facts) {
      argv.push(`${prefix}useradd`);
      if (args.uid !== undefined) argv.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
      if (args.group !== undefined) argv.push('-g', String(args.group));
      if (wantedGroups && wantedGroups.length > 0) argv.push('-G', wantedGroups.join(','));
      if (args.comment !== undefined) argv.push('-c', args.comment);
      if (args.home !== undefined) argv.push('-d', args.home);
      if (args.shell !== undefined) argv.push('-s', args.shell);
      if (args.password !== undefined) argv.push('-p', args.password);
      if (args.expires !== undefined) argv.push('-e', expiryDate(args.expires));
      if (args.seuser !== undefined) argv.push('-Z', args.seuser);
      if (args.system) argv.push('-r');
      if (args.uid_min !== undefined) argv.push('-K', `UID_MIN=${args.uid_min}`);
      if (args.uid_max !== undefined) argv.push('-K', `UID_MAX=${args.uid_max}`);
      if (args.umask !== undefined) argv.push('-K', `UMASK=${args.umask}`);
      if (createHome) argv.push('-m', ...(args.skeleton !== undefined ? ['-k', args.skeleton] : []));
      else argv.push('-M');
      argv.push(name);
    } else {
      if (args.uid !== undefined && facts.uid !== args.uid) argv.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
      if (args.group !== undefined && gid !== undefined && facts.gid !== gid) argv.push('-g', String(args.group));
      if (wantedGroups) {
        const current = facts.groups;
        const missing = wantedGroups.filter((g) => !current.includes(g));
        if (args.append) {
          if (missing.length > 0) argv.push('-a', '-G', wantedGroups.join(','));
        } else if (missing.length > 0 || current.some((g) => !wantedGroups.includes(g))) argv.push('-G', wantedGroups.join(','));
      }
      if (args.comment !== undefined && facts.comment !== args.comment) argv.push('-c', args.comment);
      if (args.home !== undefined && facts.home !== args.home) argv.push('-d', args.home, ...(args.move_home ? ['-m'] : []));
      if (args.shell !== undefined && facts.shell !== args.shell) argv.push('-s', args.shell);
      if (args.password !== undefined && args.update_password === 'always' && stripLock(facts.hash) !== args.password) argv.push('-p', args.password);
      if (args.expires !== undefined) {
        const wanted = args.expires < 0 ? '' : String(Math.floor(args.expires / 86400));
        if ((facts.expireDays ?? '') !== wanted) argv.push('-e', expiryDate(args.expires));
      }
      if (argv.length > 0) argv.unshift(`${prefix}usermod`), argv.push(name);
    }
    const lock = lockCommand(args, facts, name, prefix);
    const aging = agingCommand(args, facts, name);
    const commands = [...(argv.length > 0 ? [argv] : []), ...(lock ? [lock] : []), ...(aging ? [aging] : [])];

    const result: ModuleResult = {
      name,
      state: 'present',
      changed: commands.length > 0,
      append: args.append,
      move_home: args.move_home,
      system: args.system,
      create_home: createHome,
      uid: args.uid ?? facts?.uid ?? null,
      group: gid ?? facts?.gid ?? null,
      comment: args.comment ?? facts?.comment ?? '',
      home: args.home ?? facts?.home ?? `/home/${name}`,
      shell: args.shell ?? facts?.shell ?? '/bin/sh',
    };
    if (wantedGroups) result['groups'] = wantedGroups.join(',');
    if (args.password !== undefined) result['password'] = 'NOT_LOGGING_PASSWORD';
    if (!ctx.check) {
      for (const command of commands) {
        const done = await run(ctx, command);
        if (done.rc !== 0) return failure(`${commandLine(command[0] === `${prefix}useradd` || command[0] === `${prefix}usermod` ? command.filter((_, i) => command[i - 1] !== '-p') : command)} failed: ${errorLine(done)}`, { name });
      }
      if (commands.length > 0) {
        const fresh = await userFacts(ctx, name);
        if (fresh) Object.assign(result, { uid: fresh.uid, group: fresh.gid, comment: fresh.comment, home: fresh.home, shell: fresh.shell });
      }
    }
    if (args.generate_ssh_key) {
      const key = await sshKey(ctx, args, result);
      if ('error' in key) return failure(key.error, { name });
      Object.assign(result, key.keys);
      if (key.changed) result.changed = true;
    }
    return result;
  },
});

function stripLock(hash: string | undefined): string | undefined {
  return hash?.replace(/^!+/, '');
}

/** usermod -e/useradd -e takes a date; a negative expiry removes it. */
function expiryDate(seconds: number): string {
  if (seconds < 0) return '';
  return new Date(Math.floor(seconds / 86400) * 86400_000).toISOString().slice(0, 10);
}

function lockCommand(args: UserArgs, facts: UserFacts | undefined, name: string, prefix: string): string[] | undefined {
  if (args.password_lock === undefined) return undefined;
  const locked = facts?.hash?.startsWith('!') ?? false;
  if (args.password_lock && !locked) return [`${prefix}usermod`, '-L', name];
  if (!args.password_lock && locked && facts) return [`${prefix}usermod`, '-U', name];
  return undefined;
}

function agingCommand(args: UserArgs, facts: UserFacts | undefined, name: string): string[] | undefined {
  const argv: string[] = [];
  if (args.password_expire_max !== undefined && facts?.max !== String(args.password_expire_max)) argv.push('-M', String(args.password_expire_max));
  if (args.password_expire_min !== undefined && facts?.min !== String(args.password_expire_min)) argv.push('-m', String(args.password_expire_min));
  if (args.password_expire_warn !== undefined && facts?.warn !== String(args.password_expire_warn)) argv.push('-W', String(args.password_expire_warn));
  return argv.length > 0 ? ['chage', ...argv, name] : undefined;
}

/** passwd, shadow and group membership of a user; undefined when the user does not exist. */
async function userFacts(ctx: ModuleContext, name: string): Promise<UserFacts | undefined> {
  const passwd = await run(ctx, ['getent', 'passwd', name]);
  if (passwd.rc !== 0) return undefined;
  const [, , uid, gid, comment, home, shell] = passwd.stdout.trim().split('\n')[0]!.split(':');
  const facts: UserFacts = { uid: Number(uid), gid: Number(gid), comment: comment ?? '', home: home ?? '', shell: shell ?? '', groups: [] };
  const shadow = await run(ctx, ['getent', 'shadow', name]);
  if (shadow.rc === 0) {
    const fields = shadow.stdout.trim().split('\n')[0]!.split(':');
    Object.assign(facts, { hash: fields[1], min: fields[3], max: fields[4], warn: fields[5], expireDays: fields[7] ?? '' });
  }
  const groups = await run(ctx, ['getent', 'group']);
  for (const line of outputLines(groups.stdout)) {
    const [groupName, , groupId, members] = line.split(':');
    if (groupName && Number(groupId) !== facts.gid && (members ?? '').split(',').includes(name)) facts.groups.push(groupName);
  }
  return facts;
}

// generate_ssh_key: a key pair at ssh_key_file unless one is there.
const SSH_KEYGEN_SCRIPT = `set -e
home=$1 file=$2 owner=$3; shift 3
dir=$(dirname -- "$file")
if [ ! -d "$dir" ]; then mkdir -p -m 0700 -- "$dir"; chown -- "$owner" "$dir"; fi
ssh-keygen -q "$@" -f "$file"
chown -- "$owner" "$file" "$file.pub"`;

async function sshKey(ctx: ModuleContext, args: UserArgs, result: ModuleResult): Promise<{ changed: boolean; keys: Record<string, unknown> } | { error: string }> {
  const home = String(result['home']);
  const relative = args.ssh_key_file ?? `.ssh/id_${args.ssh_key_type}`;
  const file = relative.startsWith('/') ? relative : `${home}/${relative}`;
  const exists = (await runScript(ctx, '[ -f "$1" ]', [file])).rc === 0;
  const describe = async (): Promise<Record<string, unknown>> => {
    const fingerprint = await run(ctx, ['ssh-keygen', '-l', '-f', `${file}.pub`]);
    const pub = await ctx.connection.get(`${file}.pub`);
    return { ssh_key_file: file, ssh_fingerprint: fingerprint.stdout.trim(), ssh_public_key: pub?.toString('utf8').trim() ?? '' };
  };
  if (exists) return { changed: false, keys: await describe() };
  if (ctx.check) return { changed: true, keys: { ssh_key_file: file } };
  const keygen = ['-t', args.ssh_key_type, ...(args.ssh_key_bits !== undefined ? ['-b', String(args.ssh_key_bits)] : []), '-C', args.ssh_key_comment ?? `ansible-generated on ${ctx.host}`, '-N', args.ssh_key_passphrase ?? ''];
  const made = await runScript(ctx, SSH_KEYGEN_SCRIPT, [home, file, `${args.name}:${String(result['group'])}`, ...keygen]);
  if (made.rc !== 0) return { error: `Failed to generate the SSH key ${file}: ${errorLine(made)}` };
  return { changed: true, keys: await describe() };
}
