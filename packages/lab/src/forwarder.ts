import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { KbrunError } from '@kbrun/core';
import { readProcess } from './processes.js';

/** The forwarder's script (compiled next to this file). */
const FORWARDER_SCRIPT = fileURLToPath(new URL('./forwarder-main.js', import.meta.url));

/** A running forwarder: its process and the loopback port of each lab address it serves. */
export interface Forwarder {
  pid: number;
  start: string;
  ports: Map<string, number>;
}

/**
 * Starts one forwarder for some lab addresses: kbrun opens a listening socket on 127.0.0.1 (an ephemeral port) per
 * address here, in the machine's own namespace, and hands them to a detached `ip netns exec SWITCH node forwarder`
 * whose outgoing connections are therefore made inside the sealed lab network. Nothing listens inside the lab.
 */
export async function startForwarder(switchNamespace: string, addresses: readonly string[], logFile: string): Promise<Forwarder> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < addresses.length; i++) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve());
      });
      servers.push(server);
    }
    const fds = servers.map((s) => (s as unknown as { _handle: { fd: number } })._handle.fd);
    if (fds.some((fd) => typeof fd !== 'number' || fd < 0)) throw new KbrunError('E_LAB', 'cannot hand a listening socket to the lab forwarder (no file descriptor)');
    const log = openSync(logFile, 'a', 0o600);
    const child = spawn('ip', ['netns', 'exec', switchNamespace, process.execPath, FORWARDER_SCRIPT, JSON.stringify(addresses), '22'], {
      stdio: ['ignore', log, log, ...fds],
      detached: true,
    });
    closeSync(log);
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    const info = readProcess(pid);
    const ports = new Map(addresses.map((a, i) => [a, (servers[i]!.address() as { port: number }).port]));
    return { pid, start: info?.start ?? '', ports };
  } finally {
    // The forwarder holds its own copies of the sockets now.
    for (const server of servers) server.close();
  }
}
