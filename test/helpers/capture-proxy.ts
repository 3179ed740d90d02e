import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy forwarded: what the client sent, and the status the target answered. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A loopback HTTP proxy in front of `target` (an origin) that records every request it forwards (one upstream connection each). */
export async function captureProxy(target: string): Promise<{ origin: string; seen: CapturedRequest[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const seen: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry: CapturedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: body.toString('utf8'), status: 0 };
      seen.push(entry);
      const forward = request({ host: upstream.hostname, port: upstream.port, method: entry.method, path: entry.path, headers: { ...req.headers, host: upstream.host, connection: 'close' }, agent: false }, (answer) => {
        entry.status = answer.statusCode ?? 0;
        const { connection: _hopByHop, ...headers } = answer.headers;
        res.writeHead(entry.status, headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
