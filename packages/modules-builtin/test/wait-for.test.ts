import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ConnectionError, enableLoopbackOnly, TcpConnectError } from '@kbrun/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loopbackTarget } from '../../../test/helpers/loopback-target.js';
import { requires } from '../../../test/helpers/prerequisite.js';
import { waitFor } from '../src/index.js';
import { makeContext, useTempDir } from './helpers/target.js';

async function listen(onConnection: (socket: Socket) => void = (socket) => socket.end()): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port };
}

async function closedPort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise((done) => server.close(done));
  return port;
}

const servers: Server[] = [];
beforeAll(() => enableLoopbackOnly());
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((done) => server.close(done));
});

describe('wait_for (ports, a local connection: the controller\'s view)', () => {
  it('returns at once for a listening port', async () => {
    const { server, port } = await listen();
    servers.push(server);
    const test = makeContext();
    const result = await waitFor.run({ port, timeout: 5 }, test.ctx);
    expect(result).toMatchObject({ changed: false, port, state: 'started', elapsed: 0, match_groups: [], match_groupdict: {} });
    expect(result.failed).toBeUndefined();
    expect(test.slept).toEqual([]);
  });

  it('times out on a closed port with Ansible\'s message and counts written seconds', async () => {
    const port = await closedPort();
    const test = makeContext(); // sleeps do not really wait: elapsed comes from the written durations
    const result = await waitFor.run({ host: '127.0.0.1', port, timeout: 3, sleep: 1 }, test.ctx);
    expect(result).toMatchObject({ failed: true, msg: `Timeout when waiting for 127.0.0.1:${port}`, elapsed: 3 });
    // Three sleeps; the last is shortened by the time the checks took, so the final check falls on the deadline.
    expect(test.slept.length).toBe(3);
    expect(test.slept.slice(0, 2)).toEqual([1000, 1000]);
    expect(test.slept[2]).toBeGreaterThan(900);
    expect(test.progress.length).toBe(3);
    expect((await waitFor.run({ port, timeout: 1, msg: 'service never came up' }, makeContext().ctx)).msg).toBe('service never came up');
  });

  it('waits for a port to start listening', async () => {
    const port = await closedPort();
    const test = makeContext({ sleepScale: 1 });
    setTimeout(() => {
      const server = createServer((socket) => socket.end());
      servers.push(server);
      server.listen(port, '127.0.0.1');
    }, 150);
    const result = await waitFor.run({ port, timeout: 10, sleep: 0.1 }, test.ctx);
    expect(result.failed).toBeUndefined();
    expect(test.slept.length).toBeGreaterThan(0);
  });

  it('state=stopped succeeds on a closed port and times out on an open one', async () => {
    const port = await closedPort();
    expect((await waitFor.run({ port, state: 'stopped', timeout: 2 }, makeContext().ctx)).failed).toBeUndefined();
    const { server, port: open } = await listen();
    servers.push(server);
    expect((await waitFor.run({ port: open, state: 'stopped', timeout: 2 }, makeContext().ctx)).msg).toBe(`Timeout when waiting for 127.0.0.1:${open} to stop.`);
  });

  it('matches search_regex against what the port sends', async () => {
    const { server, port } = await listen((socket) => socket.end('SSH-2.0-OpenSSH_9.6 ready\r\n'));
    servers.push(server);
    const result = await waitFor.run({ port, search_regex: 'OpenSSH_(?P<version>[\\d.]+)', timeout: 2 }, makeContext().ctx);
    expect(result).toMatchObject({ match_groups: ['9.6'], match_groupdict: { version: '9.6' } });
  });

  it('applies delay before the first check', async () => {
    const { server, port } = await listen();
    servers.push(server);
    const test = makeContext();
    expect((await waitFor.run({ port, delay: 2 }, test.ctx))['elapsed']).toBe(2);
    expect(test.slept).toEqual([2000]);
  });

  it('fails at once when the loopback guard refuses the host (no retries)', async () => {
    const test = makeContext();
    const result = await waitFor.run({ host: '10.1.2.3', port: 22, timeout: 300 }, test.ctx);
    expect(result).toMatchObject({ failed: true, elapsed: 0 });
    expect(result.msg).toBe('refusing to connect to address 10.1.2.3: loopback-only mode allows only 127.0.0.0/8 and ::1');
    expect(test.slept).toEqual([]);
  });
});

describe('wait_for (ports, from the target\'s network)', () => {
  it('checks the port through the connection\'s stream, with the address as the target names it', async () => {
    const { server, port } = await listen((socket) => socket.end('220 db.internal ESMTP ready\r\n'));
    servers.push(server);
    const { connection, asked } = loopbackTarget({ port });
    const test = makeContext();
    test.ctx.connection = connection;
    // 10.0.0.20 would be refused by the controller's loopback guard: here the target opens it.
    const result = await waitFor.run({ host: '10.0.0.20', port: 25, search_regex: '^220 (\\S+)', timeout: 5 }, test.ctx);
    expect(result).toMatchObject({ changed: false, port: 25, match_groups: ['db.internal'] });
    expect(asked).toEqual(['10.0.0.20:25']);
  });

  it('treats a refusal on the target as not started yet, and as stopped', async () => {
    const refused = () => new TcpConnectError('refused', '127.0.0.1', 5432, 'on the target db');
    const { connection, asked } = loopbackTarget({ fail: refused });
    const test = makeContext();
    test.ctx.connection = connection;
    expect((await waitFor.run({ port: 5432, timeout: 2 }, test.ctx)).msg).toBe('Timeout when waiting for 127.0.0.1:5432');
    expect(asked.length).toBeGreaterThan(1);
    expect((await waitFor.run({ port: 5432, state: 'stopped', timeout: 2 }, test.ctx)).failed).toBeUndefined();
  });

  it('fails at once when the target\'s sshd does not forward (no retry can change it)', async () => {
    const prohibited = () => new TcpConnectError('prohibited', '127.0.0.1', 5432, 'on the target db', { detail: 'open failed' });
    const { connection } = loopbackTarget({ fail: prohibited });
    const test = makeContext();
    test.ctx.connection = connection;
    const result = await waitFor.run({ port: 5432, timeout: 300 }, test.ctx);
    expect(result).toMatchObject({ failed: true, elapsed: 0 });
    expect(result.msg).toContain('the sshd of the target db refuses to open a TCP connection to 127.0.0.1:5432 (open failed)');
    expect(test.slept).toEqual([]);
  });

  it('lets an unreachable target through to the engine (the host is unreachable, not the port closed)', async () => {
    const { connection } = loopbackTarget({ fail: () => new ConnectionError('ssh to db: connect to 127.0.0.90 port 22: connection refused') });
    const test = makeContext();
    test.ctx.connection = connection;
    await expect(waitFor.run({ port: 5432, timeout: 300 }, test.ctx)).rejects.toBeInstanceOf(ConnectionError);
  });
});

const procNetMissing = existsSync('/proc/net/tcp') ? undefined : 'state=drained reads /proc/net/tcp (Linux)';

describe('wait_for state=drained (the target\'s TCP table)', () => {
  requires(procNetMissing)('waits until the port has no active connection, exclude_hosts ignoring some', async () => {
    const accepted: Socket[] = [];
    const { server, port } = await listen((socket) => {
      socket.on('error', () => undefined);
      accepted.push(socket);
    });
    servers.push(server);
    const client = connect({ host: '127.0.0.1', port });
    await new Promise((done) => client.once('connect', done));
    await new Promise((done) => setTimeout(done, 50));
    const busy = await waitFor.run({ port, state: 'drained', timeout: 1 }, makeContext().ctx);
    expect(busy).toMatchObject({ failed: true, msg: `Timeout when waiting for 127.0.0.1:${port} to drain` });
    expect((await waitFor.run({ host: '0.0.0.0', port, state: 'drained', timeout: 1 }, makeContext().ctx)).failed).toBe(true);
    expect((await waitFor.run({ port, state: 'drained', exclude_hosts: ['127.0.0.1'], timeout: 1 }, makeContext().ctx)).failed).toBeUndefined();
    expect((await waitFor.run({ port, state: 'drained', active_connection_states: 'SYN_SENT,SYN_RECV', timeout: 1 }, makeContext().ctx)).failed).toBeUndefined();
    // The client closes first: TIME_WAIT is on its side, the server's port is drained at once.
    const test = makeContext({ sleepScale: 1 });
    setTimeout(() => client.destroy(), 200);
    const drained = await waitFor.run({ port, state: 'drained', sleep: 0.1, timeout: 10 }, test.ctx);
    expect(drained).toMatchObject({ changed: false, state: 'drained', port });
    expect(drained.failed).toBeUndefined();
    expect(test.slept.length).toBeGreaterThan(0);
  });

  it('refuses drained without a port and exclude_hosts without drained, as Ansible does', async () => {
    expect((await waitFor.run({ path: '/tmp', state: 'drained' }, makeContext().ctx)).msg).toBe('state=drained should only be used for checking a port in the wait_for module');
    expect((await waitFor.run({ port: 22, exclude_hosts: ['10.0.0.1'] }, makeContext().ctx)).msg).toBe('exclude_hosts should only be with state=drained');
    expect((await waitFor.run({ port: 22, state: 'drained', active_connection_states: ['OPEN'] }, makeContext().ctx)).msg).toMatch(/^unknown TCP state 'OPEN'/);
  });
});

describe('wait_for (paths, on the target)', () => {
  const tmp = useTempDir();

  it('waits for a file to appear', async () => {
    const test = makeContext({ sleepScale: 1 });
    setTimeout(() => void writeFile(tmp.path('ready'), 'x'), 100);
    const result = await waitFor.run({ path: tmp.path('ready'), sleep: 0.05, timeout: 10 }, test.ctx);
    expect(result).toMatchObject({ changed: false, path: tmp.path('ready'), state: 'started' });
    expect(result.failed).toBeUndefined();
  });

  it('matches search_regex in the file with groups', async () => {
    await writeFile(tmp.path('log'), 'booting\nlistening on port 8080\n');
    const result = await waitFor.run({ path: tmp.path('log'), search_regex: '^listening on port (\\d+)$' }, makeContext().ctx);
    expect(result).toMatchObject({ match_groups: ['8080'] });
    const timeout = await waitFor.run({ path: tmp.path('log'), search_regex: 'ready', timeout: 2 }, makeContext().ctx);
    expect(timeout.msg).toBe(`Timeout when waiting for search string ready in ${tmp.path('log')}`);
  });

  it('times out for a missing file, succeeds for absent', async () => {
    const missing = await waitFor.run({ path: tmp.path('nope'), timeout: 2 }, makeContext().ctx);
    expect(missing).toMatchObject({ failed: true, msg: `Timeout when waiting for file ${tmp.path('nope')}`, elapsed: 2 });
    expect((await waitFor.run({ path: tmp.path('nope'), state: 'absent' }, makeContext().ctx)).failed).toBeUndefined();
    await writeFile(tmp.path('still'), '');
    expect((await waitFor.run({ path: tmp.path('still'), state: 'absent', timeout: 1 }, makeContext().ctx)).msg).toBe(`Timeout when waiting for ${tmp.path('still')} to be absent.`);
  });

  it('refuses port together with path', async () => {
    expect((await waitFor.run({ path: tmp.path('x'), port: 22 }, makeContext().ctx)).failed).toBe(true);
  });
});
