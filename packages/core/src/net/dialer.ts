import { connect, type Socket } from 'node:net';
import { guardAddress } from './loopback-guard.js';

/** Options for opening one TCP connection. */
export interface DialOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Where an address really is: a host and port to dial instead. */
export type MappedAddress = { host: string; port: number };

/**
 * Maps an address the playbook names to where it really is (simulation: a server's public IP → its local port);
 * it may answer asynchronously (a served simulator is asked over HTTP).
 */
export type AddressMap = (host: string, port: number) => MappedAddress | undefined | Promise<MappedAddress | undefined>;

let addressMap: AddressMap | undefined;

/** Installs the address map of simulation mode (undefined removes it). */
export function setAddressMap(map: AddressMap | undefined): void {
  addressMap = map;
}

/**
 * Opens a TCP connection: the one dialer every outgoing connection of kbrun goes through.
 * The address map (simulation) applies first, then the loopback guard, so a refused address never sees a packet;
 * a refusal rejects the promise.
 */
export async function dial(host: string, port: number, options: DialOptions = {}): Promise<Socket> {
  const mapped = (await addressMap?.(host, port)) ?? { host, port };
  const address = guardAddress(mapped.host);
  port = mapped.port;
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host: address, port });
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onConnect);
    };
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error) => fail(error);
    const onAbort = () => fail(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
    const onConnect = () => {
      cleanup();
      resolve(socket);
    };
    socket.once('error', onError);
    socket.once('connect', onConnect);
    if (options.signal) {
      if (options.signal.aborted) return onAbort();
      options.signal.addEventListener('abort', onAbort, { once: true });
    }
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        const error = new Error(`connection to ${address}:${port} timed out after ${options.timeoutMs} ms`) as NodeJS.ErrnoException;
        error.code = 'ETIMEDOUT';
        fail(error);
      }, options.timeoutMs);
    }
  });
}
