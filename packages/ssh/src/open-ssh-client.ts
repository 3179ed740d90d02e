import type { Duplex } from 'node:stream';
import { ConnectionError } from '@kbrun/core';
import ssh2 from 'ssh2';
import type { Client } from 'ssh2';
import { HostKeyCheck, preferredHostKeyAlgorithms } from './host-key-check.js';
import type { AuthPlan } from './ssh-auth.js';
import type { SshEndpoint } from './ssh-target.js';

/** One SSH login over an already open byte stream (a TCP socket, or a channel forwarded by a jump host). */
export interface LoginRequest {
  endpoint: SshEndpoint;
  /** How messages name the server (`web1 (root@127.0.0.10:22)`, `jump host root@127.0.0.10:22`). */
  label: string;
  sock: Duplex;
  auth: AuthPlan;
  hostKey: HostKeyCheck;
  handshakeTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** Abandons the login (the connection was closed while it ran). */
  signal?: AbortSignal | undefined;
}

/**
 * Runs the SSH handshake and authentication; resolves to the ready client.
 * Every failure is a ConnectionError that says which it was: host key, authentication, timeout or lost connection.
 */
export function login(request: LoginRequest): Promise<Client> {
  const client = new ssh2.Client();
  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const fail = (error: ConnectionError) => {
      if (settled) return;
      settled = true;
      client.end();
      request.sock.destroy();
      reject(error);
    };
    client.on('error', (error: Error & { level?: string }) => fail(loginFailure(request, error)));
    client.once('close', () => fail(request.hostKey.failure ?? new ConnectionError(`ssh to ${request.label}: the server closed the connection during the handshake`)));
    const onAbort = () => fail(new ConnectionError(`ssh to ${request.label}: the login was abandoned (the connection was closed)`));
    client.once('ready', () => {
      request.signal?.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      resolve(client);
    });
    if (request.signal?.aborted) return onAbort();
    // The socket may have died while known_hosts and keys were read; ssh2 would wait for a handshake until its timeout.
    if (request.sock.destroyed) return fail(new ConnectionError(`ssh to ${request.label}: the connection was lost before the SSH handshake`));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    client.connect({
      sock: request.sock as NonNullable<Parameters<Client['connect']>[0]['sock']>,
      username: request.endpoint.user,
      authHandler: request.auth.methods,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        request.hostKey.verify(key).then(verify, () => verify(false));
      },
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(request.hostKey.entries) },
      readyTimeout: request.handshakeTimeoutMs,
      keepaliveInterval: request.keepaliveIntervalMs,
      keepaliveCountMax: request.keepaliveCountMax,
    });
  });
}

/** The ConnectionError for a failed login; the host key verdict, when there is one, explains it best. */
function loginFailure(request: LoginRequest, error: Error & { level?: string }): ConnectionError {
  if (request.hostKey.failure) return request.hostKey.failure;
  const who = `ssh to ${request.label}`;
  switch (error.level) {
    case 'client-authentication':
      return new ConnectionError(
        `${who}: authentication failed: the server refused every method tried (${request.auth.described.join(', ') || 'none available: give ansible_ssh_private_key_file, ansible_ssh_pass or an agent'})`,
      );
    case 'client-timeout':
      return new ConnectionError(`${who}: timed out after ${request.handshakeTimeoutMs} ms waiting for the SSH handshake`);
    default:
      return new ConnectionError(`${who}: ${error.message}`);
  }
}
