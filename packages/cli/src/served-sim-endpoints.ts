// The SSH endpoints a simulator served by `kbrun sim serve` publishes, read over HTTP through the guarded dialer.

import { guardedDispatcher, isKbrunError, KbrunError } from '@kbrun/core';
import { SSH_ENDPOINTS_PATH, type SshEndpointsBody } from '@kbrun/hcloud-sim';

/** Reads a served simulator's public IPv4 → loopback port 22 map (`read`); `close` ends its connections. */
export function servedSshEndpoints(apiUrl: string, token: string): { read(): Promise<SshEndpointsBody['ssh_endpoints']>; close(): Promise<void> } {
  const agent = guardedDispatcher({ connectTimeoutMs: 10_000 });
  const url = new URL(SSH_ENDPOINTS_PATH, apiUrl);
  const fail = (problem: string, hint: string): KbrunError =>
    new KbrunError('E_CONNECTION', `--sim ${apiUrl}: ${problem}`, { hint });
  const notASimulator = 'start the simulator with `kbrun sim serve` (it prints its URL, …/v1) and pass that URL to --sim';
  return {
    async read() {
      let status: number;
      let text: string;
      try {
        const response = await agent.request({ origin: url.origin, path: url.pathname, method: 'GET', headers: { authorization: `Bearer ${token}` } });
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        if (isKbrunError(error)) throw error;
        throw fail(`cannot reach ${url.href} (${(error as Error).message})`, notASimulator);
      }
      if (status === 401) throw fail(`${url.href} refused the token`, 'the simulator was started with --token-file: set KBRUN_SIM_TOKEN to that token');
      let body: Partial<SshEndpointsBody> | undefined;
      try {
        body = JSON.parse(text) as Partial<SshEndpointsBody>;
      } catch {
        body = undefined;
      }
      if (status !== 200 || typeof body?.ssh_endpoints !== 'object' || body.ssh_endpoints === null) {
        throw fail(`${url.href} answered ${status} without SSH endpoints: this is not a kbrun simulator`, notASimulator);
      }
      return body.ssh_endpoints;
    },
    close: () => agent.close(),
  };
}
