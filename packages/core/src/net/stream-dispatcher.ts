import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Agent } from 'undici';
import type { Connection } from '../connection/connection.js';
import type { TcpOptions } from '../connection/tcp-stream.js';

/** Opens a TCP stream to `host:port`: a connection's `openTcp`, or any other way to reach an address. */
export type StreamOpener = (host: string, port: number, options: TcpOptions) => Promise<Duplex>;

/** TLS settings for a stream that is to carry TLS. */
export interface TlsOptions {
  /** The name the certificate must be valid for, and the SNI sent (SNI only when it is not an IP address). */
  servername: string;
  /** false accepts any certificate (uri's `validate_certs: false`); default true. */
  rejectUnauthorized?: boolean;
  /** Certificate authorities to trust instead of Node's bundled ones (PEM). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** ALPN protocols to offer (default none). */
  alpnProtocols?: string[];
}

/** Options of a dispatcher whose connections are streams from an opener. */
export interface StreamDispatcherOptions {
  /** How long opening one stream may take (the opener's default when unset). */
  connectTimeoutMs?: number;
  /** How long an idle connection is kept for the next request (undici's keepAliveTimeout; default 4 s). */
  keepAliveTimeoutMs?: number;
  /** false: accept any certificate for https (uri's `validate_certs: false`); default true. */
  rejectUnauthorized?: boolean;
  ca?: TlsOptions['ca'];
  signal?: AbortSignal;
}

/**
 * Starts TLS (as the client) on a stream that is already open, e.g. one from `Connection.openTcp`: resolves once the
 * handshake is done and the certificate is accepted. Used for https by the dispatchers, and by service clients that
 * speak TLS over a target's stream.
 */
export function startTls(stream: Duplex, options: TlsOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({
      socket: stream,
      host: options.servername,
      ...(isIP(options.servername) ? {} : { servername: options.servername }),
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.alpnProtocols ? { ALPNProtocols: options.alpnProtocols } : {}),
    });
    const onError = (error: Error) => {
      secure.destroy();
      stream.destroy();
      reject(error);
    };
    secure.once('error', onError);
    secure.once('secureConnect', () => {
      secure.off('error', onError);
      resolve(secure);
    });
  });
}

/**
 * An undici dispatcher whose every connection is a stream from `open` (TLS on top for https). With a connection's
 * `openTcp` (see `connectionDispatcher`) HTTP requests are made from the target's network. Close it when done: its
 * idle connections hold streams (over SSH, channels) until then.
 */
export function streamDispatcher(open: StreamOpener, options: StreamDispatcherOptions = {}): Agent {
  return new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    connect: (opts, callback) => {
      const https = opts.protocol === 'https:';
      const port = Number(opts.port) || (https ? 443 : 80);
      const hostname = opts.hostname.startsWith('[') && opts.hostname.endsWith(']') ? opts.hostname.slice(1, -1) : opts.hostname;
      const tcp: TcpOptions = {
        ...(options.connectTimeoutMs === undefined ? {} : { timeoutMs: options.connectTimeoutMs }),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      open(hostname, port, tcp)
        .then((stream): Duplex | Promise<Duplex> => {
          if (!https) return stream;
          return startTls(stream, {
            servername: opts.servername || hostname,
            alpnProtocols: ['http/1.1'],
            ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
            ...(options.ca === undefined ? {} : { ca: options.ca }),
          });
        })
        // undici takes any duplex stream here, though its type names a Socket.
        .then((stream) => callback(null, stream as Socket), (error: Error) => callback(error, null));
    },
  });
}

/** An undici dispatcher that makes HTTP(S) requests from the target's network, through `connection.openTcp`. */
export function connectionDispatcher(connection: Connection, options: StreamDispatcherOptions = {}): Agent {
  return streamDispatcher((host, port, tcp) => connection.openTcp(host, port, tcp), options);
}
