import { parseArgs } from 'node:util';
import { isKbrunError, KbrunError, processSecrets, setAddressMap, enableLoopbackOnly, type AddressMap } from '@kbrun/core';
import { checkSealing, labAccess, labDown, labExec, labPaths, labLocationFromEnv, labStart, labStatus, labStop, labUp, LAB_NETWORK, type LabAccess } from '@kbrun/lab';

/** `kbrun lab --help`. */
export const LAB_USAGE = `usage: kbrun lab up [-i INVENTORY] HOST|PATTERN…   boot lab hosts (Debian 12, systemd) with their fleet addresses
       kbrun lab status [--json]                    hosts, state, address, loopback endpoint, memory
       kbrun lab exec HOST [-- CMD…]                run a command inside a host (exit code passed through)
       kbrun lab stop HOST [--graceful]             SIGKILL the machine (a crash); --graceful: a clean power-off
       kbrun lab start HOST                         boot it again (same root, volume, address)
       kbrun lab check                              check that the lab network is sealed
       kbrun lab down [--all]                       remove every process, mount, loop device and namespace of the lab
  Then: kbrun --lab PLAYBOOK runs a playbook with the fleet inventory against the lab (docs/lab.md).
  KBRUN_LAB names the lab (default: default); the inventory defaults to inventory/hosts.yml.`;

type Io = { stdout: (s: string) => void; stderr: (s: string) => void };

/** `kbrun lab …`: returns the exit code (lab exec: the command's). */
export async function runLabCommand(args: readonly string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const print = (line: string) => io.stderr(`${line}\n`);
  try {
    switch (sub) {
      case 'up': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { inventory: { type: 'string', short: 'i', multiple: true } } });
        const result = await labUp(positionals, { print, ...(values.inventory ? { inventory: values.inventory } : {}) });
        for (const name of result.alreadyRunning) print(`lab: ${name} is running already`);
        io.stdout(renderStatus((await labStatus()).hosts));
        return 0;
      }
      case 'status': {
        const { values } = parseArgs({ args: rest, strict: true, options: { json: { type: 'boolean' } } });
        const status = await labStatus();
        if (values.json) io.stdout(`${JSON.stringify({ lab: status.lab, hosts: status.hosts, state: status.state ?? null }, null, 2)}\n`);
        else io.stdout(status.hosts.length === 0 ? `lab '${status.lab}' is not up\n` : renderStatus(status.hosts));
        return 0;
      }
      case 'exec': {
        const dash = rest.indexOf('--');
        const before = dash < 0 ? rest : rest.slice(0, dash);
        const command = dash < 0 ? rest.slice(1) : rest.slice(dash + 1);
        const host = before[0];
        if (!host || (dash >= 0 && before.length !== 1)) throw new KbrunError('E_CLI_OPTION', 'kbrun lab exec takes one host, then -- and the command', { hint: 'kbrun lab exec haproxy-01 -- systemctl is-system-running' });
        return (await labExec(host, command)).exitCode;
      }
      case 'stop': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { graceful: { type: 'boolean' } } });
        for (const host of requireHosts(positionals, 'stop')) {
          await labStop(host, { graceful: values.graceful ?? false });
          print(`lab: ${host} ${values.graceful ? 'powered off' : 'killed (SIGKILL, as a crash)'}`);
        }
        return 0;
      }
      case 'start': {
        const { positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: {} });
        for (const name of requireHosts(positionals, 'start')) {
          const host = await labStart(name);
          print(`lab: ${name} up again at ${host.address} (ssh 127.0.0.1:${host.sshPort}) in ${((host.bootMs ?? 0) / 1000).toFixed(1)} s`);
        }
        return 0;
      }
      case 'check': {
        const status = await labStatus();
        const paths = labPaths(labLocationFromEnv());
        if (!status.state) throw new KbrunError('E_LAB', `lab '${paths.name}' is not up`);
        const violations = await checkSealing(paths, Object.values(status.state.hosts));
        if (violations.length === 0) {
          io.stdout(`lab '${paths.name}' is sealed: its switch and ${Object.keys(status.state.hosts).length} host namespaces have no default route, no route out and no device; the machine's own namespace has no address, route or link into ${LAB_NETWORK.address}/${LAB_NETWORK.prefix}\n`);
          return 0;
        }
        io.stdout(`lab '${paths.name}' is NOT sealed:\n${violations.map((v) => `  - ${v.namespace} ${v.problem}`).join('\n')}\n`);
        return 1;
      }
      case 'down': {
        const { values } = parseArgs({ args: rest, strict: true, options: { all: { type: 'boolean' } } });
        const report = await labDown({ all: values.all ?? false });
        io.stdout(
          `lab down (${report.labs.join(', ') || 'no lab'}): ${report.killed} processes killed, ${report.unmounted.length} mounts, ${report.detached.length} loop devices, ${report.namespaces.length} namespaces removed\n`,
        );
        if (report.leftovers.length > 0) {
          io.stderr(`left behind:\n${report.leftovers.map((l) => `  - ${l}`).join('\n')}\n`);
          return 1;
        }
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(`${LAB_USAGE}\n`);
        return sub === undefined ? 5 : 0;
      default:
        throw new KbrunError('E_CLI_OPTION', `unknown lab subcommand ${JSON.stringify(sub)}`, { hint: 'kbrun lab --help' });
    }
  } catch (error) {
    const text = isKbrunError(error) ? error.render() : error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') ? error.message : ((error as Error)?.stack ?? String(error));
    io.stderr(`ERROR! ${processSecrets().redactor.redactText(text)}\n`);
    if ((error as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS') || (error instanceof KbrunError && error.code === 'E_CLI_OPTION')) {
      io.stderr(`${LAB_USAGE}\n`);
      return 5;
    }
    return 1;
  }
}

function requireHosts(positionals: readonly string[], verb: string): readonly string[] {
  if (positionals.length === 0) throw new KbrunError('E_CLI_OPTION', `kbrun lab ${verb} needs a host`, { hint: `kbrun lab ${verb} haproxy-01` });
  return positionals;
}

/** The status table: host, state, fleet address, loopback endpoint, memory, boot time, volume. */
function renderStatus(hosts: Awaited<ReturnType<typeof labStatus>>['hosts']): string {
  const rows = [['HOST', 'STATE', 'ADDRESS', 'SSH ENDPOINT', 'MEMORY', 'BOOT', 'VOLUME']];
  for (const h of hosts) {
    rows.push([
      h.name,
      h.state,
      h.address,
      h.endpoint,
      h.memoryBytes === undefined ? '-' : `${(h.memoryBytes / 2 ** 20).toFixed(0)} MiB`,
      h.bootMs === undefined ? '-' : `${(h.bootMs / 1000).toFixed(1)} s`,
      h.volume ? `${h.volume.byIdPath} (${h.volume.planGb} GB → ${h.volume.sizeMiB} MiB)` : '-',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}

/** What a `kbrun --lab` run needs: the address map, the SSH settings and the variables that point at the lab key. */
export interface LabRun {
  access: LabAccess;
  extraVars: Record<string, unknown>;
  close(): void;
}

/**
 * Turns lab mode on for a playbook run: loopback-only connections, and the fleet's private addresses on port 22 mapped
 * to the lab hosts' loopback endpoints through core's address map (the one `--sim` uses). An address of the lab
 * network that is not in the lab fails to connect with a reason (the host is reported UNREACHABLE, not skipped).
 */
export async function startLabRun(): Promise<LabRun> {
  enableLoopbackOnly();
  const access = await labAccess();
  const map: AddressMap = (host, port) => {
    const endpoint = access.endpoints.get(host);
    if (endpoint && port === 22) return endpoint;
    if (endpoint) throw new KbrunError('E_NET_GUARD', `${access.names.get(host)} (${host}) port ${port}: kbrun --lab reaches lab hosts' sshd (port 22) only`, { hint: 'open other ports from the target side (wait_for/uri on the host)' });
    if (/^10\.0\.\d+\.\d+$/.test(host)) {
      throw new KbrunError('E_NET_GUARD', `${host} is not in lab '${access.lab}' (its hosts: ${[...access.names.values()].sort().join(', ')})`, { hint: 'kbrun lab up HOST adds it' });
    }
    return undefined;
  };
  setAddressMap(map);
  return {
    access,
    // The lab key for every host (ansible_ssh_private_key_file of the inventory points at the fleet's key), and
    // kbrun_lab (the lab's name): playbooks load their lab values when it is set (playbooks/vars/lab.yml).
    extraVars: { ansible_ssh_private_key_file: access.keyFile, ansible_user: 'root', kbrun_lab: access.lab },
    close: () => setAddressMap(undefined),
  };
}
