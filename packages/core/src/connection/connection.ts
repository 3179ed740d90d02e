import type { Duplex } from 'node:stream';
import type { BecomeOptions } from './become.js';
import type { TcpOptions } from './tcp-stream.js';

/** Options for one command run on a target. */
export interface ExecOptions {
  /** Bytes written to the command's standard input, then closed. */
  stdin?: string | Buffer;
  /** Working directory on the target. */
  cwd?: string;
  /** Extra environment variables for the command. */
  env?: Readonly<Record<string, string>>;
  /** Kill the command after this many milliseconds (rc 124, like timeout(1)). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Run as another user (set by the engine from `become`). */
  become?: BecomeOptions;
}

/** What a finished command returned; a non-zero rc is a result, not an exception. */
export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/** Options for writing a file on a target. */
export interface PutOptions {
  /** Permission bits of the written file (e.g. 0o644). */
  mode?: number;
}

/**
 * How modules act on a target: run a command, write a file, read a file, open a TCP stream from its network.
 * The local process, SSH and bastion-tunnelled SSH all implement it, so a module works on each unchanged.
 * Failing to reach the target throws a `ConnectionError` (the host is then unreachable).
 */
export interface Connection {
  /** `local`, `ssh`, … */
  readonly kind: string;
  /** Runs a command: a string goes through `/bin/sh -c`, an array is run as an argument vector. */
  exec(command: string | readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Replaces a file atomically (temporary file, then rename) with the given bytes. */
  put(path: string, data: string | Buffer, options?: PutOptions): Promise<void>;
  /** Reads a whole file; `null` when it does not exist. */
  get(path: string): Promise<Buffer | null>;
  /**
   * Opens a TCP stream to `host:port` as the target sees it (`127.0.0.1` is the target itself), as a module running
   * on the target would: over SSH a direct-tcpip channel that the target's sshd connects (nothing is shipped; the
   * stream holds one of the connection's channels until it closes), locally the controller's guarded dialer.
   * Resolves once the TCP connection is established. A port that cannot be reached rejects with a
   * `TcpConnectError` (refused, timed out, unreachable, prohibited…); a target that cannot be reached, with a
   * `ConnectionError`. The caller ends or destroys the stream.
   */
  openTcp(host: string, port: number, options?: TcpOptions): Promise<Duplex>;
  /** Releases the connection. */
  close(): Promise<void>;
}

/** A target could not be reached: refused, timed out, authentication or host key failure. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  readonly code = 'E_CONNECTION';
}
