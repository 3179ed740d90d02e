import { connect as tlsConnect } from 'node:tls';
import { Agent } from 'undici';
import { dial } from './dialer.js';

/** An undici dispatcher whose every connection goes through the guarded dialer (used by `uri` and API clients). */
export function guardedDispatcher(options: { connectTimeoutMs?: number; keepAliveTimeoutMs?: number; rejectUnauthorized?: boolean } = {}): Agent {
  return new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    connect: (opts, callback) => {
      const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
      const dialOptions = options.connectTimeoutMs === undefined ? {} : { timeoutMs: options.connectTimeoutMs };
      dial(opts.hostname, port, dialOptions).then(
        (socket) => {
          if (opts.protocol !== 'https:') return callback(null, socket);
          const servername = opts.servername ?? opts.hostname;
          const secure = tlsConnect({ socket, servername, ALPNProtocols: ['http/1.1'], rejectUnauthorized: options.rejectUnauthorized ?? true });
          secure.once('secureConnect', () => callback(null, secure));
          secure.once('error', (error) => callback(error, null));
        },
        (error: Error) => callback(error, null),
      );
    },
  });
}
