import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { login, type LoginRequest } from '../src/open-ssh-client.js';
import { dialEndpoint } from '../src/tcp-route.js';

// A server that dies between accepting the TCP connection and the SSH handshake (a sshd being killed).
describe('a connection reset before the SSH handshake', () => {
  it('is neither an uncaught error nor a wait for the handshake timeout: the login fails at once', async () => {
    const server = createServer((socket: Socket) => void setTimeout(() => socket.resetAndDestroy(), 30));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const endpoint = { host: '127.0.0.1', port, user: 'root' };
      const sock = await dialEndpoint(endpoint, 'box (root@127.0.0.1)', 5_000);
      // Known hosts and keys are read here in a real login: the reset arrives meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sock.destroyed).toBe(true);
      const started = performance.now();
      const request = { endpoint, label: 'box (root@127.0.0.1)', sock, auth: {}, hostKey: {}, handshakeTimeoutMs: 10_000, keepaliveIntervalMs: 0, keepaliveCountMax: 3 } as unknown as LoginRequest;
      await expect(login(request)).rejects.toThrow('ssh to box (root@127.0.0.1): the connection was lost before the SSH handshake');
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      server.close();
    }
  });
});
