// One client per (endpoint, token) in the process, so every task of a run shares the rate budget and the action poller.
import { processSecrets } from '@kbrun/core';
import { HcloudClient, type HcloudClientOptions } from './hcloud-client.js';
import { resolveEndpoint, resolveToken } from './token.js';

const clients = new Map<string, HcloudClient>();
let defaults: Partial<HcloudClientOptions> = {};

/** Options every shared client is created with (the CLI sets the engine's clock here, and `readOnly` for --check). */
export function configureHcloudClients(options: Partial<Omit<HcloudClientOptions, 'token' | 'endpoint'>>): void {
  defaults = { ...options };
  if (options.readOnly !== undefined) for (const client of clients.values()) client.readOnly = options.readOnly;
}

/** The process's client for this endpoint and token (created on first use). */
export function sharedHcloudClient(options: Pick<HcloudClientOptions, 'token' | 'endpoint' | 'env' | 'tokenFile'> = {}): HcloudClient {
  // Variables given by the caller (a task's `environment`) over the configured environment (or the process's).
  const env = { ...(defaults.env ?? process.env), ...options.env };
  const endpoint = resolveEndpoint(options.endpoint, env);
  const token = resolveToken({ token: options.token, env, file: options.tokenFile ?? defaults.tokenFile });
  // The process redactor may have been replaced (configureSecrets) since the client was made.
  processSecrets().redactor.add(token);
  const key = HcloudClient.keyOf(endpoint, token);
  let client = clients.get(key);
  if (!client) {
    client = new HcloudClient({ ...defaults, env, endpoint, token });
    clients.set(key, client);
  }
  return client;
}

/** Closes every shared client (call once at the end of a run so idle keep-alive sockets don't hold the process). */
export async function closeHcloudClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((c) => c.close()));
}
