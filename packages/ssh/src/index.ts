// @kbrun/ssh: the SSH connection (ssh2): one connection per host, channels in parallel, jump hosts, known_hosts, sudo, SFTP.
import type { ModulePack } from '@kbrun/core';
import { waitForConnection } from './wait-for-connection.js';

// The factory the engine's `connections: { ssh }` takes, and its options.
export { sshConnectionFactory, type SshConnectionFactory, type SshFactoryOptions } from './ssh-connection-factory.js';
// The connection it makes (its `stats()` serve tests and benchmarks) and the settings it is made from.
export { SshConnection, type SshConnectionStats } from './ssh-connection.js';
export type { SshEndpoint, SshTarget } from './ssh-target.js';
export type { HostKeyPolicy } from './host-key-check.js';
// The module that waits for a host's connection.
export { waitForConnection, type WaitForConnectionArgs } from './wait-for-connection.js';

/** The modules that belong with the SSH connection, registered explicitly by the CLI. */
export const sshModules: ModulePack = { wait_for_connection: waitForConnection };
