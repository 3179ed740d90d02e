import { Duplex } from 'node:stream';
import { TcpConnectError, type TcpFailure } from '@kbrun/core';
import type { ClientChannel } from 'ssh2';

// SSH_MSG_CHANNEL_OPEN_FAILURE reason codes (RFC 4254 §5.1).
const ADMINISTRATIVELY_PROHIBITED = 1;
const CONNECT_FAILED = 2;

/**
 * A direct-tcpip channel as the TCP stream modules expect, with a socket's ways: `destroy()` really ends it and sets
 * `destroyed`, 'close' comes once both sides are done, and (as a socket without allowHalfOpen) the stream ends its
 * side when the far side has ended. `released` is called once, when the channel has closed (its place in the
 * connection's channel count is free again).
 */
export class TcpChannelStream extends Duplex {
  /** Where the stream leads, as a socket would say it. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  #channelClosed = false;
  #readEnded = false;

  constructor(
    private readonly channel: ClientChannel,
    host: string,
    port: number,
    released: () => void,
  ) {
    super({ allowHalfOpen: false });
    this.remoteAddress = host;
    this.remotePort = port;
    channel.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) channel.pause();
    });
    channel.once('end', () => this.#endRead());
    channel.on('error', (error: Error) => this.destroy(error));
    channel.once('close', () => {
      this.#channelClosed = true;
      released();
      // Closed without an end (the connection died): the reader still sees an end, after what was received.
      this.#endRead();
    });
  }

  #endRead(): void {
    if (this.#readEnded) return;
    this.#readEnded = true;
    this.push(null);
  }

  override _read(): void {
    this.channel.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#channelClosed) {
      const error = new Error('the TCP stream through the SSH connection is closed') as NodeJS.ErrnoException;
      error.code = 'EPIPE';
      return callback(error);
    }
    this.channel.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.#channelClosed) this.channel.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // ssh2's destroy() sends EOF and CLOSE; the server's CLOSE in return frees the channel's place.
    if (!this.#channelClosed) this.channel.destroy();
    callback(error);
  }

  /** Meaningless on a channel (sshd's socket on the target has its own settings); there for socket-like callers. */
  setNoDelay(): this {
    return this;
  }

  /** Meaningless on a channel; the SSH connection's keepalives watch the transport. */
  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

/** What a refused direct-tcpip open says about the port: reason code and sshd's description (`Connection refused`). */
export function channelOpenFailure(error: Error, host: string, port: number, where: string): TcpConnectError {
  const code = (error as { reason?: unknown }).reason;
  const description = error.message.replace(/^\(SSH\) Channel open failure: /, '').trim();
  let reason: TcpFailure = 'failed';
  if (code === ADMINISTRATIVELY_PROHIBITED) reason = 'prohibited';
  else if (code === CONNECT_FAILED || code === undefined) reason = failureOfDescription(description);
  return new TcpConnectError(reason, host, port, where, { detail: description || 'open failed', cause: error });
}

/** sshd reports a failed connect with strerror() or gai_strerror() text. */
function failureOfDescription(text: string): TcpFailure {
  if (/refused/i.test(text)) return 'refused';
  if (/timed out/i.test(text)) return 'timed-out';
  if (/unreachable|no route/i.test(text)) return 'unreachable';
  if (/name or service|not known|nodename|resolv|temporary failure in name|no address associated/i.test(text)) return 'unresolved';
  return 'failed';
}
