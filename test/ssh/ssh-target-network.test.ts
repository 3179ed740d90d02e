// Streams from the target's network (Connection.openTcp over SSH): the target's sshd opens the TCP connection
// (a direct-tcpip channel), and wait_for and uri use it. All harness sshds listen on loopback in this machine's
// namespace, so what shows the mechanism is who connects: sshd's log (DEBUG1 logs each direct-tcpip request) and
// the process that owns the client end of the connection a service accepts (a process of the target's sshd).
// test/target-network.test.ts shows the viewpoint itself on lab hosts, which have a network of their own.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ConnectionError, runPlaybook, TcpConnectError, type KbrunEvent } from '@kbrun/core';
import { builtinModules } from '@kbrun/modules-builtin';
import { sshConnectionFactory, sshModules, type SshConnection, type SshConnectionFactory } from '@kbrun/ssh';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { requires } from '../helpers/prerequisite.js';
import { sshdMissing, startSshdHarness, type SshdHarness } from '../helpers/sshd-harness.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const needsSshd = requires(sshdMissing);

let harness: SshdHarness;
let ssh: SshConnectionFactory;
let project: TempProject;
const servers: Array<Server | HttpServer> = [];
/** For each connection a service saw: the process that connected and its ancestors, read while it was connected. */
const connectedBy: number[][] = [];

beforeAll(async () => {
  if (sshdMissing) return;
  harness = await startSshdHarness({
    hosts: [
      { name: 'db', address: '127.0.0.90', logLevel: 'DEBUG1' },
      { name: 'sealed', address: '127.0.0.91', allowTcpForwarding: 'no' },
      { name: 'narrow', address: '127.0.0.92' },
    ],
  });
  ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
  project = tempProject();
});

afterAll(async () => {
  for (const server of servers) {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
  await ssh?.closeAll();
  await harness?.stop();
  project?.cleanup();
});

async function connect(name: string, vars: Record<string, unknown> = {}): Promise<SshConnection> {
  return (await ssh.factory(name, harness.hostVars(name, vars))) as SshConnection;
}

/** A TCP service on 127.0.0.1 that greets, echoes one line back, and notes who sent it (the client waits for the echo). */
async function greeter(greeting = 'SSH-2.0-FakeService_1.2 ready\r\n'): Promise<number> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write(greeting);
    socket.once('data', (line) => {
      connectedBy.push(ancestry(clientPid(socket)));
      socket.end(`echo: ${String(line)}`);
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** The PID of the process holding the client end of an accepted loopback connection (from /proc/net/tcp and fds). */
function clientPid(socket: Socket): number {
  const hexPort = socket.remotePort!.toString(16).toUpperCase().padStart(4, '0');
  const serverPort = socket.localPort!.toString(16).toUpperCase().padStart(4, '0');
  const line = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .find((l) => {
      const fields = l.trim().split(/\s+/);
      return fields[1]?.endsWith(`:${hexPort}`) && fields[2]?.endsWith(`:${serverPort}`);
    });
  const inode = line?.trim().split(/\s+/)[9];
  if (!inode) return -1;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return Number(pid);
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return -1;
}

/** `pid`, its parent, its parent's parent… up to init (empty for -1). */
function ancestry(pid: number): number[] {
  const chain: number[] = [];
  for (let current = pid; current > 1; ) {
    chain.push(current);
    try {
      const stat = readFileSync(`/proc/${current}/stat`, 'utf8');
      current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return chain;
}

const forwardingsTo = (port: number) =>
  harness
    .host('db')
    .log()
    .split('\n')
    .filter((line) => line.includes('server_request_direct_tcpip') && line.includes(`target 127.0.0.1 port ${port}`)).length;

function read(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

describe('Connection.openTcp over SSH', () => {
  needsSshd("opens the stream from the target: the target's sshd connects, and the bytes flow both ways", async () => {
    const port = await greeter();
    const db = await connect('db');
    const before = forwardingsTo(port);
    const stream = await db.openTcp('127.0.0.1', port);
    expect(db.stats().activeChannels).toBe(1);
    const closed = new Promise((done) => stream.once('close', done));
    const text = read(stream);
    stream.write('hello\n');
    expect(await text).toBe('SSH-2.0-FakeService_1.2 ready\r\necho: hello\n');
    expect(forwardingsTo(port) - before).toBe(1);
    // The process that connected to the service is one of the target's sshd processes, not kbrun.
    expect(connectedBy.at(-1)).toContain(harness.host('db').pid);
    expect(connectedBy.at(-1)?.[0]).not.toBe(process.pid);
    await closed;
    await expect.poll(() => db.stats().activeChannels).toBe(0);
  });

  needsSshd('reports a closed port as refused on the target, a TcpConnectError distinct from the connection failing', async () => {
    const port = await closedPort();
    const db = await connect('db');
    const error = await db.openTcp('127.0.0.1', port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TcpConnectError);
    expect(error).not.toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ reason: 'refused', host: '127.0.0.1', port, code: 'E_TCP_CONNECT' });
    expect((error as Error).message).toBe(`connection refused by 127.0.0.1:${port} on the target db`);
    // The connection is fine: the next command runs on it, and no channel place is left taken.
    expect((await db.exec(['true'])).rc).toBe(0);
    expect(db.stats().activeChannels).toBe(0);
  });

  needsSshd("says clearly when the target's sshd does not forward (AllowTcpForwarding no)", async () => {
    const port = await greeter();
    const sealed = await connect('sealed');
    const error = await sealed.openTcp('127.0.0.1', port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TcpConnectError);
    expect(error).toMatchObject({ reason: 'prohibited' });
    expect((error as Error).message).toBe(
      `the sshd of the target sealed refuses to open a TCP connection to 127.0.0.1:${port} (open failed): modules reach the target's ports through it; allow it with AllowTcpForwarding local (or yes) in its sshd_config, and PermitOpen if that is set`,
    );
  });

  needsSshd('an unreachable target is a ConnectionError, not a port fact', async () => {
    const gone = (await ssh.factory('gone', { ...harness.hostVars('db'), ansible_port: await closedPort() })) as SshConnection;
    await expect(gone.openTcp('127.0.0.1', 80)).rejects.toBeInstanceOf(ConnectionError);
  });

  needsSshd("holds one of the connection's channel places while open (max sessions 1: a command waits for it)", async () => {
    const port = await greeter();
    const narrow = await connect('narrow', { kbrun_ssh_max_sessions: 1 });
    const stream = await narrow.openTcp('127.0.0.1', port);
    let ran = false;
    const command = narrow.exec(['true']).then((result) => {
      ran = true;
      return result;
    });
    await new Promise((done) => setTimeout(done, 300));
    expect(ran).toBe(false);
    stream.destroy();
    expect((await command).rc).toBe(0);
    expect(narrow.stats().peakChannels).toBe(1);
  });

  needsSshd('gives up at once when aborted, leaving no channel place taken', async () => {
    const db = await connect('db');
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(db.openTcp('127.0.0.1', 22, { signal: controller.signal })).rejects.toThrow('stop now');
    expect(db.stats().activeChannels).toBe(0);
  });
});

describe('wait_for and uri from the target', () => {
  needsSshd('a playbook checks ports and fetches a page through the target, and delegate_to: localhost keeps the controller view', async () => {
    const open = await greeter();
    const closed = await closedPort();
    const http = createHttpServer((request, response) => {
      connectedBy.push(ancestry(clientPid(request.socket)));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ path: request.url, ok: true }));
    });
    servers.push(http);
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    const web = (http.address() as AddressInfo).port;
    project.write('hosts.yml', harness.inventory(['db', 'sealed']));
    project.write(
      'site.yml',
      `- hosts: db
  gather_facts: false
  tasks:
    - name: open port
      wait_for: { port: ${open}, timeout: 10 }
    - name: banner
      wait_for: { port: ${open}, search_regex: 'FakeService_(?P<version>[\\d.]+)', timeout: 10 }
      register: banner
    - name: closed port is stopped
      wait_for: { port: ${closed}, state: stopped, timeout: 10 }
    - name: closed port never starts
      wait_for: { port: ${closed}, timeout: 2, sleep: 0.5 }
      register: never
      ignore_errors: true
    - name: page
      uri: { url: "http://127.0.0.1:${web}/health", return_content: true }
      register: page
    - name: refused page
      uri: { url: "http://127.0.0.1:${closed}/" }
      register: refused
      ignore_errors: true
    - name: from the controller
      uri: { url: "http://127.0.0.1:${web}/controller" }
      delegate_to: localhost
    - assert:
        that:
          - banner.match_groupdict.version == '1.2'
          - never.failed
          - never.msg == 'Timeout when waiting for 127.0.0.1:${closed}'
          - page.status == 200
          - page.json.path == '/health'
          - refused.status == -1
          - refused.msg is search('connection refused by 127.0.0.1:${closed} on the target db')

- hosts: sealed
  gather_facts: false
  tasks:
    - name: no forwarding
      wait_for: { port: ${open}, timeout: 300 }
`,
    );
    const before = { open: forwardingsTo(open), closed: forwardingsTo(closed), web: forwardingsTo(web), served: connectedBy.length };
    const events: KbrunEvent[] = [];
    const result = await runPlaybook({
      playbook: project.path('site.yml'),
      inventory: [project.path('hosts.yml')],
      modules: [builtinModules, sshModules],
      connections: { ssh: ssh.factory },
      onEvent: (event) => events.push(event),
    });
    const results = Object.fromEntries(events.flatMap((e) => (e.type === 'host_result' ? [[`${e.host}:${e.task.name}`, e]] : [])));
    expect(results['db:assert']?.status, JSON.stringify(results['db:assert']?.result)).toBe('ok');
    // open (twice), the closed port (stopped once, then at least twice), the page and the refused page: through db's
    // sshd; the delegated request did not go through it.
    expect(forwardingsTo(open) - before.open).toBe(2);
    expect(forwardingsTo(closed) - before.closed).toBeGreaterThanOrEqual(4);
    expect(forwardingsTo(web) - before.web).toBe(1);
    expect(results['db:from the controller']?.status).toBe('ok');
    // The page was requested by a process of the target's sshd; the delegated check came from kbrun itself.
    const served = connectedBy.slice(before.served);
    expect(served.length).toBe(2);
    expect(served[0]).toContain(harness.host('db').pid);
    expect(served[1]?.[0]).toBe(process.pid);
    // A target that does not forward fails at once with the reason, instead of waiting 300 s.
    const sealed = results['sealed:no forwarding'];
    expect(sealed?.status).toBe('failed');
    expect(String((sealed?.result as { msg?: unknown }).msg)).toContain('the sshd of the target sealed refuses to open a TCP connection');
    expect(Number((sealed?.result as { elapsed?: unknown }).elapsed)).toBeLessThan(5);
    expect(result.stats['db']).toMatchObject({ failed: 0, unreachable: 0 });
  });
});
