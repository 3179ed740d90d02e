import type { Duplex } from 'node:stream';
import { ConnectionError, TcpConnectError, type Connection, type ExecOptions, type ExecResult, type PutOptions, type TcpOptions } from '@kbrun/core';
import type { Client, ClientChannel } from 'ssh2';
import { runOnChannel } from './channel-command.js';
import { remoteCommand } from './remote-command.js';
import { abortReason, Semaphore } from './semaphore.js';
import { sftpGet, sftpPut } from './sftp-files.js';
import { SessionLostError, SshSession } from './ssh-session.js';
import { targetLabel, type SshTarget } from './ssh-target.js';
import { channelOpenFailure, TcpChannelStream } from './tcp-channel.js';

/** A logged-in client for a target and the function that lets go of what it holds (a jump host lease). */
export interface OpenedClient {
  client: Client;
  release(): void;
}

/** Logs in to a target (route, host key and authentication): the factory's side of a connection. */
export type SshLogin = (target: SshTarget, signal: AbortSignal) => Promise<OpenedClient>;

/** Counters of one connection, for tests and benchmarks. */
export interface SshConnectionStats {
  /** Logins so far (1 for a connection that never dropped). */
  logins: number;
  /** Channels open right now / the most ever open at once (SFTP included). */
  activeChannels: number;
  peakChannels: number;
  maxSessions: number;
}

/**
 * The SSH connection to one host: one TCP connection (opened by the first command, not by the factory, so that
 * `wait_for_connection` can wait for a host that is still down) that carries every command as its own channel,
 * at most `maxSessions` at once. When the connection has dropped between commands, the next command logs in again,
 * once; a command whose connection dies under it fails with a ConnectionError (the host is unreachable).
 * Files move over one SFTP channel. put/get run as the login user: `become` applies to commands only.
 * TCP streams from the target (`openTcp`) are direct-tcpip channels the target's sshd connects; each holds a channel
 * place until it closes.
 */
export class SshConnection implements Connection {
  readonly kind = 'ssh';
  readonly #channels: Semaphore;
  #session: Promise<SshSession> | undefined;
  /** Abandons the login in progress, if any (close() uses it). */
  #loginAbort: AbortController | undefined;
  /** The latest login that succeeded: its promise and session. */
  #current: { promise: Promise<SshSession>; session: SshSession } | undefined;
  #logins = 0;

  constructor(
    readonly target: SshTarget,
    private readonly login: SshLogin,
  ) {
    this.#channels = new Semaphore(target.maxSessions);
  }

  /** How messages name the host: `web1 (root@127.0.0.10:22)`. */
  get label(): string {
    return targetLabel(this.target);
  }

  /** Counters for tests and benchmarks. */
  stats(): SshConnectionStats {
    return { logins: this.#logins, activeChannels: this.#channels.active, peakChannels: this.#channels.peak, maxSessions: this.#channels.limit };
  }

  /** Logs in now instead of at the first command; throws the ConnectionError when the host can't be reached. */
  async connect(): Promise<void> {
    await this.#live();
  }

  async exec(command: string | readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (options.signal?.aborted) throw abortReason(options.signal);
    const remote = remoteCommand(command, options);
    const release = await this.#channels.acquire(options.signal);
    try {
      const { value: channel, session } = await untilAborted(
        this.#onSession((s) => s.exec(remote.line)),
        options.signal,
        ({ value }) => value.close(),
      );
      return await runOnChannel(channel, { command: remote, options, connectionAlive: () => !session.closed, label: this.label });
    } finally {
      release();
    }
  }

  async put(path: string, data: string | Buffer, options: PutOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    await this.#transfer('writing', path, (s) => s.withSftp((sftp) => sftpPut(sftp, path, bytes, options.mode)));
  }

  async get(path: string): Promise<Buffer | null> {
    return this.#transfer('reading', path, (s) => s.withSftp((sftp) => sftpGet(sftp, path)));
  }

  /**
   * Opens a TCP stream from the target: the target's sshd connects to `host:port` (so `127.0.0.1` is the target
   * itself) and carries the bytes over a direct-tcpip channel. The loopback guard does not apply to `host`: the
   * controller dials only the SSH endpoint (guarded at login); where the target connects is the target's business,
   * as for any command it runs. `timeoutMs` (default: the connect timeout) bounds the wait for the target's connect,
   * not the login; a port that cannot be reached is a TcpConnectError, an unreachable target a ConnectionError.
   */
  async openTcp(host: string, port: number, options: TcpOptions = {}): Promise<Duplex> {
    if (options.signal?.aborted) throw abortReason(options.signal);
    const timeoutMs = options.timeoutMs ?? this.target.connectTimeoutMs;
    const where = `on the target ${this.target.name}`;
    const release = await this.#channels.acquire(options.signal);
    try {
      const { value: channel } = await untilAborted(
        this.#onSession((session) => forwardWithin(session, host, port, timeoutMs, where)),
        options.signal,
        ({ value }) => value.close(),
      );
      return new TcpChannelStream(channel, host, port, release);
    } catch (error) {
      release();
      if (error instanceof TcpConnectError || error instanceof ConnectionError || options.signal?.aborted) throw error;
      if (error instanceof SessionLostError) throw new ConnectionError(`ssh to ${this.label}: ${error.message}`);
      throw channelOpenFailure(error as Error, host, port, where);
    }
  }

  /** Ends the connection; a later command would log in again (as Ansible's reset_connection does). */
  async close(): Promise<void> {
    const current = this.#session;
    this.#session = undefined;
    this.#loginAbort?.abort();
    const session = await current?.catch(() => undefined);
    await session?.end();
  }

  async #transfer<T>(what: string, path: string, use: (session: SshSession) => Promise<T>): Promise<T> {
    let session: SshSession | undefined;
    try {
      return (
        await this.#onSession((s) => {
          session = s;
          return use(s);
        })
      ).value;
    } catch (error) {
      if (session?.closed && !(error instanceof ConnectionError)) {
        throw new ConnectionError(`ssh to ${this.label}: the connection was lost while ${what} ${path}`);
      }
      throw error;
    }
  }

  /** Runs `use` on the live session; if the connection turns out to be gone before anything ran, logs in again once. */
  async #onSession<T>(use: (session: SshSession) => Promise<T>): Promise<{ value: T; session: SshSession }> {
    let session = await this.#live();
    try {
      return { value: await use(session), session };
    } catch (error) {
      if (!(error instanceof SessionLostError)) throw error;
    }
    // Not yet marked closed (the close event is still on its way): drop it so the next login replaces it.
    if (this.#current?.session === session && this.#session === this.#current.promise) this.#session = undefined;
    void session.end();
    session = await this.#live();
    try {
      return { value: await use(session), session };
    } catch (error) {
      if (error instanceof SessionLostError) throw new ConnectionError(`ssh to ${this.label}: the connection was lost again right after logging in (${error.message})`);
      throw error;
    }
  }

  /** The open session, logging in when there is none or it has closed (one login shared by concurrent callers). */
  async #live(): Promise<SshSession> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let current = this.#session;
      if (!current) {
        current = this.#open();
        this.#session = current;
      }
      const session = await current;
      if (!session.closed) return session;
      if (this.#session === current) this.#session = undefined;
    }
    throw new ConnectionError(`ssh to ${this.label}: the server closed the connection right after login`);
  }

  #open(): Promise<SshSession> {
    const abort = new AbortController();
    this.#loginAbort = abort;
    const attempt: Promise<SshSession> = this.login(this.target, abort.signal).then(({ client, release }) => {
      if (this.#loginAbort === abort) this.#loginAbort = undefined;
      this.#logins++;
      const session = new SshSession(client, this.#channels, this.target.connectTimeoutMs, release);
      this.#current = { promise: attempt, session };
      return session;
    });
    // A failed login is not remembered: the next command tries again (that is how waiting for a host works).
    attempt.catch(() => {
      if (this.#loginAbort === abort) this.#loginAbort = undefined;
      if (this.#session === attempt) this.#session = undefined;
    });
    return attempt;
  }
}

/** A direct-tcpip channel to `host:port`, or a `timed-out` TcpConnectError after `timeoutMs` (a late channel is closed). */
function forwardWithin(session: SshSession, host: string, port: number, timeoutMs: number, where: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new TcpConnectError('timed-out', host, port, where, { timeoutMs }));
    }, timeoutMs);
    session.forward(host, port).then(
      (channel) => {
        clearTimeout(timer);
        if (settled) channel.close();
        else resolve(channel);
        settled = true;
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!settled) reject(error);
        settled = true;
      },
    );
  });
}

/** `work`, or the abort reason as soon as `signal` aborts (`late` then disposes of what `work` still delivers). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, late: (value: T) => void): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.then(late, () => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (aborted) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
