import { defineModule, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { failure } from '../lib/results.js';
import { commandLine, errorLine, run, runScript } from '../lib/target.js';
import { parseSshConnection, parseTuples, tupleAllowsSsh, type SshEndpoint, type UfwTuple } from '../lib/ufw-rules.js';

/** Arguments of `ufw` (community.general.ufw). */
export interface UfwArgs {
  state?: 'enabled' | 'disabled' | 'reloaded' | 'reset';
  default?: 'allow' | 'deny' | 'reject';
  policy?: 'allow' | 'deny' | 'reject';
  direction?: 'in' | 'incoming' | 'out' | 'outgoing' | 'routed';
  logging?: 'on' | 'off' | 'low' | 'medium' | 'high' | 'full';
  insert?: number;
  insert_relative_to: 'zero' | 'first-ipv4' | 'last-ipv4' | 'first-ipv6' | 'last-ipv6';
  rule?: 'allow' | 'deny' | 'limit' | 'reject';
  interface?: string;
  if?: string;
  interface_in?: string;
  if_in?: string;
  interface_out?: string;
  if_out?: string;
  log: boolean;
  from_ip?: string;
  from?: string;
  src?: string;
  from_port?: string | number;
  to_ip?: string;
  dest?: string;
  to?: string;
  to_port?: string | number;
  port?: string | number;
  proto?: string;
  protocol?: string;
  name?: string;
  app?: string;
  comment?: string;
  delete: boolean;
  route: boolean;
}

/** ufw's state as the module reads it. */
interface UfwFacts {
  status: string;
  active: boolean;
  policies: Record<'incoming' | 'outgoing' | 'routed', string>;
  logging: string;
  tuples: UfwTuple[];
}

const PORT = { type: ['string', 'integer'] };
const POLICY = { enum: ['allow', 'deny', 'reject'] };
const PROTOS = ['any', 'tcp', 'udp', 'ipv6', 'esp', 'ah', 'gre', 'igmp', 'vrrp'];

// ufw's user rules: Debian and Ubuntu keep them in /etc/ufw, older layouts in /lib/ufw or /var/lib/ufw.
const TUPLES_SCRIPT = 'for f in /etc/ufw/user.rules /etc/ufw/user6.rules /lib/ufw/user.rules /lib/ufw/user6.rules /var/lib/ufw/user.rules /var/lib/ufw/user6.rules; do [ -f "$f" ] && grep -h "^### tuple" "$f"; done; exit 0';

// The SSH connection this command came through: SSH_CONNECTION here, else in the nearest ancestor that has it
// (sudo resets the environment; the login shell above it still holds it, readable as root).
const SSH_CONNECTION_SCRIPT = `if [ -n "$SSH_CONNECTION" ]; then echo "$SSH_CONNECTION"; exit 0; fi
p=$$
while [ -n "$p" ] && [ "$p" -gt 1 ]; do
  v=$(tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p')
  if [ -n "$v" ]; then echo "$v"; exit 0; fi
  p=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$p/status 2>/dev/null)
done
exit 0`;

/** Manages the UFW firewall; refuses any change that would leave SSH (the connection kbrun uses) blocked. */
export const ufw = defineModule<UfwArgs>({
  name: 'ufw',
  description: 'Manages the UFW firewall (community.general.ufw): state, default policies, logging, rules; never locks out the SSH connection in use.',
  schema: {
    type: 'object',
    properties: {
      state: { enum: ['enabled', 'disabled', 'reloaded', 'reset'], description: 'enabled/disabled: only when needed; reloaded and reset always change.' },
      default: { ...POLICY, description: 'Default policy for the direction (incoming when none is given).' },
      policy: { ...POLICY, description: 'Alias of default.' },
      direction: { enum: ['in', 'incoming', 'out', 'outgoing', 'routed'], description: 'Direction of the rule or of the default policy.' },
      logging: { enum: ['on', 'off', 'low', 'medium', 'high', 'full'], description: 'Logging level.' },
      insert: { type: 'integer', description: 'Insert the rule at this position (1 is first).' },
      insert_relative_to: { enum: ['zero', 'first-ipv4', 'last-ipv4', 'first-ipv6', 'last-ipv6'], default: 'zero', description: 'What insert counts from (kbrun: zero only).' },
      rule: { enum: ['allow', 'deny', 'limit', 'reject'], description: 'Add (or with delete, remove) a rule with this action.' },
      interface: { type: 'string', description: 'Interface of the rule (with direction).' },
      if: { type: 'string', description: 'Alias of interface.' },
      interface_in: { type: 'string', description: 'Incoming interface (route rules).' },
      if_in: { type: 'string', description: 'Alias of interface_in.' },
      interface_out: { type: 'string', description: 'Outgoing interface (route rules).' },
      if_out: { type: 'string', description: 'Alias of interface_out.' },
      log: { type: 'boolean', default: false, description: 'Log new connections matched by the rule.' },
      from_ip: { type: 'string', description: 'Source address or network (default any).' },
      from: { type: 'string', description: 'Alias of from_ip.' },
      src: { type: 'string', description: 'Alias of from_ip.' },
      from_port: { ...PORT, description: 'Source port or range (a:b).' },
      to_ip: { type: 'string', description: 'Destination address or network (default any).' },
      dest: { type: 'string', description: 'Alias of to_ip.' },
      to: { type: 'string', description: 'Alias of to_ip.' },
      to_port: { ...PORT, description: 'Destination port or range (a:b).' },
      port: { ...PORT, description: 'Alias of to_port.' },
      proto: { enum: PROTOS, description: 'Protocol.' },
      protocol: { enum: PROTOS, description: 'Alias of proto.' },
      name: { type: 'string', description: 'An application profile (ufw app list).' },
      app: { type: 'string', description: 'Alias of name.' },
      comment: { type: 'string', description: 'Comment stored with the rule.' },
      delete: { type: 'boolean', default: false, description: 'Remove the rule instead of adding it.' },
      route: { type: 'boolean', default: false, description: 'A routed (forwarding) rule.' },
    },
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const policy = args.default ?? args.policy;
    if (args.state === undefined && policy === undefined && args.logging === undefined && args.rule === undefined) {
      return failure('one of the following is required: state, default, logging, rule');
    }
    if (args.insert_relative_to !== 'zero') return failure('insert_relative_to other than zero is not supported by kbrun');
    const ruleArgv = args.rule === undefined ? undefined : ruleCommand(args);
    if (ruleArgv && 'error' in ruleArgv) return failure(ruleArgv.error);

    const facts = await readFacts(ctx);
    if ('missing' in facts) {
      // On a fresh host in check mode, ufw may come from an earlier task that was only simulated.
      if (ctx.check) return { changed: true, msg: 'ufw is not installed: a real run fails unless an earlier task installs it' };
      return failure('ufw is not installed on the target (apt: name=ufw)');
    }

    // The plan. Ansible's order is state, default, rule, logging; kbrun adds the rule before enabling or changing
    // the default policy (same end state, and an SSH rule is in place before the firewall closes), after a reset.
    const direction = policyDirection(args.direction);
    const before: string[][] = [];
    const after: string[][] = [];
    if (args.state === 'reset') before.push(['ufw', '--force', 'reset']);
    if (policy !== undefined && facts.policies[direction] !== policy) after.push(['ufw', 'default', policy, direction]);
    if (args.state === 'enabled' && !facts.active) after.push(['ufw', '--force', 'enable']);
    if (args.state === 'disabled' && facts.active) after.push(['ufw', 'disable']);
    if (args.state === 'reloaded') after.push(['ufw', 'reload']);
    if (args.logging !== undefined && loggingChanges(facts.logging, args.logging)) after.push(['ufw', 'logging', args.logging]);

    // The rule: ufw itself says what it would store (--dry-run), in check mode and before a real run alike.
    let afterTuples = facts.tuples;
    let ruleChanges = false;
    if (ruleArgv) {
      const dry = await run(ctx, ['ufw', '--dry-run', ...ruleArgv.argv]);
      if (dry.rc !== 0) return failure(`${commandLine(['ufw', '--dry-run', ...ruleArgv.argv])} failed: ${errorLine(dry)}`);
      const predicted = predictRule(facts.tuples, dry.stdout, ruleArgv.v6);
      afterTuples = predicted.tuples;
      ruleChanges = predicted.changed;
    }

    // The lock-out guard: would this leave the firewall on, denying incoming, with no rule letting SSH in?
    const finalActive = args.state === 'enabled' ? true : args.state === 'disabled' || args.state === 'reset' ? false : facts.active;
    const finalIncoming = policy !== undefined && direction === 'incoming' ? policy : facts.policies.incoming;
    if (finalActive && finalIncoming !== 'allow') {
      const ssh = await sshEndpoint(ctx);
      if (ssh) {
        const allowedNow = facts.tuples.some((t) => tupleAllowsSsh(t, ssh));
        const lockedNow = facts.active && facts.policies.incoming !== 'allow' && !allowedNow;
        const allowedAfter = afterTuples.some((t) => tupleAllowsSsh(t, ssh));
        if (!allowedAfter && !lockedNow) return failure(lockOutMessage(ssh, finalIncoming), { changed: false });
      }
    }

    const planned = [...before, ...(ruleArgv && ruleChanges ? [['ufw', ...ruleArgv.argv]] : []), ...after];
    const result: ModuleResult = { changed: planned.length > 0, commands: planned.map((argv) => commandLine(argv)) };
    if (ctx.check) return { ...result, msg: facts.status };

    for (const argv of planned) {
      const done = await run(ctx, argv);
      if (done.rc !== 0) return failure(`${commandLine(argv)} failed: ${errorLine(done)}`, { changed: true, commands: result['commands'] });
    }
    if (planned.length === 0) return { ...result, msg: facts.status };
    // What actually moved (Ansible's measure): the status and the stored rules before and after.
    const post = await readFacts(ctx);
    if ('missing' in post) return failure('ufw vanished during the task');
    const moved = post.status !== facts.status || post.tuples.map((t) => t.text).join('\n') !== facts.tuples.map((t) => t.text).join('\n');
    const always = args.state === 'reloaded' || args.state === 'reset';
    return { ...result, changed: always || moved || before.length + after.length > 0, msg: post.status };
  },
});

function policyDirection(direction: UfwArgs['direction']): 'incoming' | 'outgoing' | 'routed' {
  if (direction === 'out' || direction === 'outgoing') return 'outgoing';
  if (direction === 'routed') return 'routed';
  return 'incoming';
}

function loggingChanges(current: string, wanted: string): boolean {
  if (wanted === 'on') return current === 'off';
  return current !== wanted;
}

/** The rule's ufw arguments, in the order Ansible writes them; `v6` when an address is IPv6. */
export function ruleCommand(args: UfwArgs): { argv: string[]; v6: boolean } | { error: string } {
  const argv: string[] = [];
  if (args.route) argv.push('route');
  if (args.delete) argv.push('delete');
  if (args.insert !== undefined) argv.push('insert', String(args.insert));
  argv.push(args.rule!);
  const direction = args.direction === 'incoming' ? 'in' : args.direction === 'outgoing' ? 'out' : args.direction;
  if (direction === 'routed') return { error: 'direction=routed is for default policies; use route: true for a routed rule' };
  const iface = args.interface ?? args.if;
  if (iface !== undefined && direction === undefined) return { error: 'interface needs direction (in or out)' };
  if (direction !== undefined) argv.push(direction);
  if (iface !== undefined) argv.push('on', iface);
  const ifIn = args.interface_in ?? args.if_in;
  const ifOut = args.interface_out ?? args.if_out;
  if ((ifIn !== undefined || ifOut !== undefined) && (direction !== undefined || iface !== undefined)) return { error: 'interface_in/interface_out cannot be combined with direction or interface' };
  if (ifIn !== undefined) argv.push('in', 'on', ifIn);
  if (ifOut !== undefined) argv.push('out', 'on', ifOut);
  if (args.log) argv.push('log');
  const from = args.from_ip ?? args.from ?? args.src ?? 'any';
  const to = args.to_ip ?? args.to ?? args.dest ?? 'any';
  argv.push('from', from);
  if (args.from_port !== undefined) argv.push('port', String(args.from_port));
  argv.push('to', to);
  const toPort = args.to_port ?? args.port;
  if (toPort !== undefined) argv.push('port', String(toPort));
  const proto = args.proto ?? args.protocol;
  if (proto !== undefined) argv.push('proto', proto);
  const app = args.name ?? args.app;
  if (app !== undefined) argv.push('app', app);
  if (args.comment !== undefined) argv.push('comment', args.comment);
  return { argv, v6: from.includes(':') || to.includes(':') };
}

/**
 * What a rule command would leave stored, from ufw's dry run: "Skipping …" / "Could not delete …" means nothing,
 * otherwise ufw prints each rules file it would write ("*filter" … "### tuple ###" lines), which replace the current
 * tuples of their address family.
 */
export function predictRule(current: UfwTuple[], dryRun: string, v6Only: boolean): { tuples: UfwTuple[]; changed: boolean } {
  const files = (dryRun.match(/^\*filter$/gm) ?? []).length;
  const printed = parseTuples(dryRun);
  if (files === 0 && printed.length === 0) return { tuples: current, changed: false };
  let families: boolean[];
  if (files >= 2) families = [false, true];
  else if (printed.length > 0) families = [...new Set(printed.map((t) => t.v6))];
  else families = [v6Only];
  const kept = current.filter((t) => !families.includes(t.v6));
  const tuples = [...kept, ...printed];
  const key = (list: UfwTuple[]) => list.filter((t) => families.includes(t.v6)).map((t) => t.text).join('\n');
  return { tuples, changed: key(current) !== key(printed) };
}

async function readFacts(ctx: ModuleContext): Promise<UfwFacts | { missing: true }> {
  const status = await run(ctx, ['ufw', 'status', 'verbose']);
  if (status.rc === 127 || /not found|No such file/.test(status.stderr) && status.rc !== 0) return { missing: true };
  if (status.rc !== 0) throw new Error(`ufw status failed: ${errorLine(status)}`);
  const defaults = (await ctx.connection.get('/etc/default/ufw'))?.toString('utf8') ?? '';
  const conf = (await ctx.connection.get('/etc/ufw/ufw.conf'))?.toString('utf8') ?? '';
  const tuples = await runScript(ctx, TUPLES_SCRIPT);
  const read = (text: string, key: string) => new RegExp(`^${key}="?([^"\\n]*)"?`, 'm').exec(text)?.[1]?.trim();
  const policyOf = (value: string | undefined, fallback: string) => (value === undefined ? fallback : value === 'ACCEPT' ? 'allow' : value === 'REJECT' ? 'reject' : 'deny');
  return {
    status: status.stdout.trimEnd(),
    active: /^Status: active/m.test(status.stdout),
    policies: {
      incoming: policyOf(read(defaults, 'DEFAULT_INPUT_POLICY'), 'deny'),
      outgoing: policyOf(read(defaults, 'DEFAULT_OUTPUT_POLICY'), 'allow'),
      routed: policyOf(read(defaults, 'DEFAULT_FORWARD_POLICY'), 'deny'),
    },
    logging: read(conf, 'LOGLEVEL') ?? 'low',
    tuples: parseTuples(tuples.stdout),
  };
}

// The SSH connection kbrun is using on this host; none for a local connection without one.
async function sshEndpoint(ctx: ModuleContext): Promise<SshEndpoint | undefined> {
  const found = await runScript(ctx, SSH_CONNECTION_SCRIPT);
  const parsed = parseSshConnection(found.stdout);
  if (parsed) return parsed;
  if (ctx.connection.kind === 'local') return undefined;
  const port = Number(ctx.vars['ansible_port'] ?? ctx.vars['ansible_ssh_port'] ?? 22);
  return { port: Number.isInteger(port) && port > 0 ? port : 22 };
}

function lockOutMessage(ssh: SshEndpoint, policy: string): string {
  const from = ssh.clientIp ? ` from ${ssh.clientIp}` : '';
  return (
    `refusing: this would leave UFW enabled with default ${policy} incoming and no rule allowing SSH (port ${ssh.port}/tcp${from}), ` +
    `cutting the connection kbrun is using. Add a rule first, in an earlier task or in this one, e.g. ` +
    `ufw: { rule: allow, port: '${ssh.port}', proto: tcp${ssh.clientIp ? `, from_ip: ${ssh.clientIp.includes(':') ? ssh.clientIp : ssh.clientIp.replace(/\.\d+$/, '.0/24')}` : ''} }`
  );
}
