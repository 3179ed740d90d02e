// The worker thread behind the `url` lookup: lookups are synchronous, so the request runs here while the caller waits.
// Every connection goes through core's guarded dispatcher (the loopback guard applies as in the main thread).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { interceptors, request, type Dispatcher } from 'undici';
import { guardedDispatcher } from '../net/http-dispatcher.js';
import { enableLoopbackOnly } from '../net/loopback-guard.js';
import type { UrlReply, UrlRequest } from './url-request.js';

if ((workerData as { loopbackOnly: boolean }).loopbackOnly) enableLoopbackOnly();

const dispatchers = new Map<string, Dispatcher>();

/** One dispatcher per (certificate checking, redirect following, timeout) choice, kept for the process. */
function dispatcherFor(req: UrlRequest): Dispatcher {
  const key = `${req.validateCerts}:${req.followRedirects}:${req.timeoutMs}`;
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    const base = guardedDispatcher({ rejectUnauthorized: req.validateCerts, connectTimeoutMs: req.timeoutMs });
    dispatcher = req.followRedirects ? base.compose(interceptors.redirect({ maxRedirections: 10 })) : base;
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

/** The kbrun error code of an error or of its causes (E_NET_GUARD from the dialer), if any. */
function codeOf(error: unknown): { code: string; message: string; hint?: string } | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('E_')) return { code, message: e.message, hint: (e as { hint?: string }).hint };
  }
  return undefined;
}

async function fetchOnce(req: UrlRequest): Promise<UrlReply> {
  try {
    const response = await request(req.url, {
      method: 'GET',
      headers: req.headers,
      dispatcher: dispatcherFor(req),
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const body = await response.body.text();
    return { ok: true, status: response.statusCode, body };
  } catch (error) {
    const coded = codeOf(error);
    return { ok: false, message: coded?.message ?? (error instanceof Error ? error.message : String(error)), ...(coded ? { code: coded.code, hint: coded.hint } : {}) };
  }
}

parentPort!.on('message', (message: { request: UrlRequest; port: MessagePort; flag: Int32Array }) => {
  void fetchOnce(message.request).then((reply) => {
    message.port.postMessage(reply);
    message.port.close();
    Atomics.store(message.flag, 0, 1);
    Atomics.notify(message.flag, 0);
  });
});
