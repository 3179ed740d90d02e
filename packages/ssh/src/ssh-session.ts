import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { Semaphore } from './semaphore.js';

// Refused channel opens retried (about 1.5 s in all) before the refusal is reported.
const OPEN_RETRIES = 10;

/** The connection was already gone when a channel was asked for: nothing ran, so reconnecting and retrying is safe. */
export class SessionLostError extends Error {
  override readonly name = 'SessionLostError';
}

/**
 * One logged-in SSH connection: exec channels on demand and one SFTP channel opened on first use and reused.
 * Every channel, the SFTP one included, holds a place in the connection's `channels` semaphore (sshd's MaxSessions
 * counts them all); with a limit of 1 the SFTP channel is opened for each transfer and closed after it.
 */
export class SshSession {
  #closed = false;
  #sftp: Promise<{ sftp: SFTPWrapper; release: () => void }> | undefined;

  constructor(
    private readonly client: Client,
    private readonly channels: Semaphore,
    /** How long the server may take to answer a channel open before the connection counts as dead. */
    private readonly answerTimeoutMs: number,
    onClose: () => void,
  ) {
    // Errors after login (keepalive timeout, reset) end in 'close', which is what callers watch.
    client.on('error', () => undefined);
    // The server's side ended: nothing more can come over this connection, even before it has fully closed.
    client.once('end', () => {
      this.#closed = true;
      client.end();
    });
    client.once('close', () => {
      this.#closed = true;
      onClose();
    });
  }

  /** True once the connection has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Opens an exec channel for a command line (the caller holds a semaphore place for it). */
  exec(line: string): Promise<ClientChannel> {
    return this.#openChannel('a channel', (cb) => this.client.exec(line, cb));
  }

  /**
   * Asks the server to open a TCP connection to `host:port` from its side (a direct-tcpip channel; the caller holds a
   * semaphore place for it). sshd answers once its own connect is done, so the channel means the port accepted; a
   * refusal is an answer about the port and is not retried. No answer timer here: a filtered port can keep sshd
   * connecting for minutes without the connection being dead (the caller bounds the wait). On a dead connection,
   * a SessionLostError.
   */
  forward(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new SessionLostError('the connection is closed'));
      try {
        // The originator address is informational (sshd logs it); kbrun has no listening side.
        this.client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
          if (!error) return resolve(channel);
          // When the connection died, its close event lands before we judge.
          setImmediate(() => reject(this.#closed ? new SessionLostError(error.message) : error));
        });
      } catch (error) {
        reject(new SessionLostError((error as Error).message));
      }
    });
  }

  /** Runs `use` with the SFTP channel; opening it on a dead connection is a SessionLostError. */
  async withSftp<T>(use: (sftp: SFTPWrapper) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.channels.limit < 2) {
      const opened = await this.#openSftp(signal);
      try {
        return await use(opened.sftp);
      } finally {
        opened.sftp.end();
        opened.release();
      }
    }
    let shared = this.#sftp;
    if (!shared) {
      shared = this.#openSftp(signal);
      this.#sftp = shared;
      shared.then(
        ({ sftp }) => sftp.once('close', () => this.#sftp === shared && (this.#sftp = undefined)),
        () => this.#sftp === shared && (this.#sftp = undefined),
      );
    }
    return use((await shared).sftp);
  }

  /** Ends the connection (its channels close with it); resolves once it has closed, or after `waitMs`. */
  end(waitMs = 2000): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      timer.unref();
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }

  /**
   * Opens a channel. A refusal while the connection lives is retried for a moment: sshd frees a finished session's
   * slot a little after the channel closes, so a client that keeps exactly MaxSessions channels busy sees brief
   * "open failed" refusals. A refusal on a connection that has died is a SessionLostError.
   */
  async #openChannel<T>(what: string, open: (cb: (error: Error | undefined, channel: T) => void) => void): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await new Promise<{ channel: T } | { error: Error }>((resolve) => {
        if (this.#closed) return resolve({ error: new SessionLostError('the connection is closed') });
        let answered = false;
        // No answer at all: the transport is dead without having said so. Drop it; the caller may log in again.
        const silence = setTimeout(() => {
          answered = true;
          this.#closed = true;
          this.client.end();
          resolve({ error: new SessionLostError(`no answer from the server within ${this.answerTimeoutMs} ms`) });
        }, this.answerTimeoutMs);
        try {
          open((error, channel) => {
            clearTimeout(silence);
            if (answered) {
              (channel as { close?: () => void } | undefined)?.close?.();
              return;
            }
            answered = true;
            if (!error) return resolve({ channel });
            // When the connection died, its close event lands before we judge.
            setImmediate(() => resolve({ error: this.#closed ? new SessionLostError(error.message) : error }));
          });
        } catch (error) {
          clearTimeout(silence);
          answered = true;
          resolve({ error: new SessionLostError((error as Error).message) });
        }
      });
      if ('channel' in outcome) return outcome.channel;
      if (outcome.error instanceof SessionLostError) throw outcome.error;
      if (attempt >= OPEN_RETRIES) throw new Error(`the server refused to open ${what}: ${outcome.error.message.replace(/^\(SSH\) /, '')}`);
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** Math.min(attempt, 6)));
    }
  }

  async #openSftp(signal?: AbortSignal): Promise<{ sftp: SFTPWrapper; release: () => void }> {
    const release = await this.channels.acquire(signal);
    try {
      const sftp = await this.#openChannel<SFTPWrapper>('the SFTP subsystem', (cb) => this.client.sftp(cb));
      sftp.once('close', release);
      return { sftp, release };
    } catch (error) {
      release();
      throw error;
    }
  }
}
