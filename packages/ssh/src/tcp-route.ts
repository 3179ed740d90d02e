import type { Duplex } from 'node:stream';
import { ConnectionError, dial, guardAddress, isKbrunError } from '@kbrun/core';
import type { Client } from 'ssh2';
import type { SshEndpoint } from './ssh-target.js';

/** Opens the TCP connection to an endpoint with core's guarded dialer; failures say refused / timed out / guard. */
export async function dialEndpoint(endpoint: SshEndpoint, label: string, timeoutMs: number, signal?: AbortSignal): Promise<Duplex> {
  try {
    const socket = await dial(endpoint.host, endpoint.port, { timeoutMs, ...(signal ? { signal } : {}) });
    socket.setNoDelay(true);
    // Until ssh2 takes the socket (after known_hosts and keys are read), nobody else listens: a reset then (a dying
    // sshd) would be an uncaught error. The login sees the socket closed instead; ssh2 adds its own listener.
    socket.on('error', () => undefined);
    return socket;
  } catch (error) {
    throw routeFailure(`ssh to ${label}`, `${endpoint.host} port ${endpoint.port}`, error, timeoutMs);
  }
}

/**
 * Asks a jump host to open a TCP stream to `endpoint` (direct-tcpip). Under the loopback guard the destination
 * must be loopback as well: the jump host would otherwise carry kbrun's traffic off this machine.
 */
export function forwardThrough(jump: Client, /** `jump host user@host:port` */ jumpLabel: string, endpoint: SshEndpoint, label: string, timeoutMs: number): Promise<Duplex> {
  let destination: string;
  try {
    destination = guardAddress(endpoint.host);
  } catch (error) {
    return Promise.reject(routeFailure(`ssh to ${label}`, endpoint.host, error, timeoutMs));
  }
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(new ConnectionError(`ssh to ${label}: ${jumpLabel} timed out after ${timeoutMs} ms opening a connection to ${destination} port ${endpoint.port}`));
    }, timeoutMs);
    const finish = (error: Error | undefined, stream?: Duplex) => {
      if (done) {
        stream?.destroy();
        return;
      }
      done = true;
      clearTimeout(timer);
      if (error || !stream) {
        const reason = (error?.message ?? 'no stream').replace(/^\(SSH\) /, '');
        reject(new ConnectionError(`ssh to ${label}: ${jumpLabel} could not open a connection to ${destination} port ${endpoint.port}: ${reason}`));
      } else {
        // An SSH transport can't live half-open: when the far side ends, end ours so the jump host closes the channel.
        stream.once('end', () => stream.end());
        resolve(stream);
      }
    };
    try {
      jump.forwardOut('127.0.0.1', 0, destination, endpoint.port, (error, stream) => finish(error, stream));
    } catch (error) {
      finish(new Error(`the connection to the jump host is gone (${(error as Error).message})`));
    }
  });
}

/** A ConnectionError for a TCP failure, worded by its cause. */
function routeFailure(who: string, where: string, error: unknown, timeoutMs: number): ConnectionError {
  if (error instanceof ConnectionError) return error;
  if (isKbrunError(error)) return new ConnectionError(`${who}: ${error.message}`, { cause: error });
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return new ConnectionError(`${who}: connect to ${where}: connection refused`);
    case 'ETIMEDOUT':
      return new ConnectionError(`${who}: connect to ${where}: timed out after ${timeoutMs} ms`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectionError(`${who}: connect to ${where}: no route to host`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`${who}: could not resolve host name ${where}`);
  }
  return new ConnectionError(`${who}: connect to ${where}: ${(error as Error).message ?? String(error)}`);
}
