import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { loopbackOnly } from '../net/loopback-guard.js';

/** One GET the `url` lookup asks the worker for. */
export interface UrlRequest {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  validateCerts: boolean;
  followRedirects: boolean;
}

/** What the worker answers: the status and body, or why the request failed (with kbrun's error code when it has one). */
export type UrlReply = { ok: true; status: number; body: string } | { ok: false; message: string; code?: string; hint?: string | undefined };

let worker: Worker | undefined;

/**
 * Performs a GET synchronously (expressions are evaluated synchronously): a worker thread makes the request through
 * the guarded dispatcher while this thread waits, at most the request's timeout plus a second.
 */
export function fetchSync(request: UrlRequest): UrlReply {
  if (!worker) {
    worker = new Worker(new URL('./url-worker.js', import.meta.url), { workerData: { loopbackOnly: loopbackOnly() } });
    worker.unref();
  }
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ request, port: port2, flag }, [port2]);
  const waited = Atomics.wait(flag, 0, 0, request.timeoutMs + 1000);
  const reply = receiveMessageOnPort(port1);
  port1.close();
  if (waited === 'timed-out' || !reply) return { ok: false, message: `no answer within ${request.timeoutMs} ms` };
  return reply.message as UrlReply;
}
