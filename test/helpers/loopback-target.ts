// Test support: a stand-in for a remote target whose TCP streams (Connection.openTcp) are plain loopback sockets.
import { connect } from 'node:net';
import { LocalConnection, type Connection } from '@kbrun/core';

/** Where the stand-in's streams lead: the port asked (default), always `port`, or nowhere (`fail()` is thrown). */
export interface LoopbackTargetOptions {
  port?: number;
  fail?: () => Error;
}

/**
 * A connection that runs commands and moves files on this machine and opens every stream to 127.0.0.1 whatever
 * address was asked, noting each `host:port` asked for in `asked` (what the module named, as the target would see it).
 */
export function loopbackTarget(options: LoopbackTargetOptions = {}): { connection: Connection; asked: string[] } {
  const asked: string[] = [];
  const local = new LocalConnection();
  const connection: Connection = {
    kind: 'loopback-target',
    exec: (command, execOptions) => local.exec(command, execOptions),
    put: (path, data, putOptions) => local.put(path, data, putOptions),
    get: (path) => local.get(path),
    openTcp: async (host, port) => {
      asked.push(`${host}:${port}`);
      if (options.fail) throw options.fail();
      const socket = connect({ host: '127.0.0.1', port: options.port ?? port });
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      return socket;
    },
    close: () => local.close(),
  };
  return { connection, asked };
}
