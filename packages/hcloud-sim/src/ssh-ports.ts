// SSH ports of simulated servers: a loopback TCP listener per running server that answers with an SSH banner.

import * as net from 'node:net';
import type { SshEndpoint, SshServerInfo } from './types.js';

/** What a simulated server's SSH port sends first. */
export const SSH_BANNER = 'SSH-2.0-OpenSSH_9.6 kbrun-sim\r\n';

const HOST = '127.0.0.1';

interface Entry {
  desired: boolean;
  port: number | undefined;
  listener: net.Server | undefined;
  sockets: Set<net.Socket>;
  chain: Promise<void>;
  mapped: { host: string; port: number } | undefined;
}

/** Opens and closes the SSH listeners as servers go up and down. */
export class SshPorts {
  private readonly entries = new Map<number, Entry>();
  private active = false;

  constructor(
    private readonly enabled: boolean,
    private readonly mapper: ((server: SshServerInfo) => { host: string; port: number } | undefined) | undefined,
  ) {}

  /** The server is running: its port should accept connections. */
  up(server: SshServerInfo): void {
    if (!this.enabled && !this.mapper) return;
    const entry = this.entry(server.id);
    if (this.mapper) entry.mapped = this.mapper(server);
    entry.desired = true;
    this.reconcile(entry);
  }

  /** The server is rebuilding, off or rebooting: its port refuses connections. */
  down(id: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.desired = false;
    this.reconcile(entry);
  }

  /** The server is gone: close its port and forget it. */
  remove(id: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.desired = false;
    this.reconcile(entry);
    void entry.chain.then(() => {
      if (this.entries.get(id) === entry && !entry.desired) this.entries.delete(id);
    });
  }

  /** Where a server's SSH port answers, once it has had one. */
  endpoint(id: number): SshEndpoint | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.mapped) return { host: entry.mapped.host, port: entry.mapped.port, listening: entry.desired };
    if (entry.port === undefined) return undefined;
    return { host: HOST, port: entry.port, listening: entry.listener !== undefined };
  }

  /** Start opening listeners (called when the simulator starts listening). */
  activate(): void {
    this.active = true;
    for (const entry of this.entries.values()) this.reconcile(entry);
  }

  /** Resolves when every change under way has completed. */
  async settled(): Promise<void> {
    for (;;) {
      const chains = [...this.entries.values()].map((e) => e.chain);
      await Promise.all(chains);
      const now = [...this.entries.values()].map((e) => e.chain);
      if (now.length === chains.length && now.every((c, i) => c === chains[i])) return;
    }
  }

  /** Close every listener. */
  async closeAll(): Promise<void> {
    this.active = false;
    for (const entry of this.entries.values()) {
      entry.desired = false;
      entry.chain = entry.chain.then(() => this.closeListener(entry));
    }
    await this.settled();
  }

  private entry(id: number): Entry {
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { desired: false, port: undefined, listener: undefined, sockets: new Set(), chain: Promise.resolve(), mapped: undefined };
      this.entries.set(id, entry);
    }
    return entry;
  }

  private reconcile(entry: Entry): void {
    if (entry.mapped || !this.enabled) return;
    entry.chain = entry.chain.then(async () => {
      if (entry.desired && this.active && !entry.listener) await this.openListener(entry);
      else if ((!entry.desired || !this.active) && entry.listener) await this.closeListener(entry);
    });
  }

  private async openListener(entry: Entry): Promise<void> {
    const listener = net.createServer((socket) => {
      entry.sockets.add(socket);
      socket.on('close', () => entry.sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      socket.setTimeout(30_000, () => socket.destroy());
      socket.write(SSH_BANNER);
    });
    const tryListen = (port: number): Promise<boolean> =>
      new Promise((resolve) => {
        const onError = (): void => resolve(false);
        listener.once('error', onError);
        listener.listen({ host: HOST, port, exclusive: true }, () => {
          listener.off('error', onError);
          resolve(true);
        });
      });
    // Keep the same port across reboots when it is still free, so a cached endpoint stays valid.
    const ok = (entry.port !== undefined && (await tryListen(entry.port))) || (await tryListen(0));
    if (!ok) return;
    const address = listener.address();
    if (address && typeof address === 'object') entry.port = address.port;
    entry.listener = listener;
  }

  private async closeListener(entry: Entry): Promise<void> {
    const listener = entry.listener;
    if (!listener) return;
    entry.listener = undefined;
    for (const socket of entry.sockets) socket.destroy();
    entry.sockets.clear();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}
