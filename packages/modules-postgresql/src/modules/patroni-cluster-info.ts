import { connectionDispatcher, ConnectionError, defineModule, processSecrets } from '@kbrun/core';
import { request } from 'undici';

/** Arguments of `patroni_cluster_info`. */
export interface PatroniClusterInfoArgs {
  api_host: string;
  api_port: number;
  scheme: 'http' | 'https';
  username?: string;
  password?: string;
  validate_certs: boolean;
  ca_cert?: string;
  timeout: number;
}

/** One member of GET /cluster, as Patroni returns it. */
interface PatroniMember {
  name: string;
  role: string;
  state: string;
  host?: string;
  port?: number;
  api_url?: string;
  timeline?: number;
  lag?: number | string;
  [key: string]: unknown;
}

/** `patroni_cluster_info`: Patroni's view of its cluster (GET /cluster), read from the target's side. */
export const patroniClusterInfo = defineModule<PatroniClusterInfoArgs>({
  name: 'patroni_cluster_info',
  description:
    "Reads Patroni's REST API /cluster from the target (its TCP stream): members with role, state, timeline and lag, the leader's name and the replicas' names. Read-only.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      api_host: { type: 'string', default: '127.0.0.1', description: "Patroni's REST API address as the target sees it (127.0.0.1: the target itself)." },
      api_port: { type: 'integer', minimum: 1, maximum: 65535, default: 8008, description: "Patroni's REST API port (restapi.listen)." },
      scheme: { enum: ['http', 'https'], default: 'http', description: 'https when restapi has a certfile.' },
      username: { type: 'string', description: 'restapi.authentication username (GET /cluster needs it only with restapi.authentication on every request).' },
      password: { type: 'string', description: 'Its password (never shown).' },
      validate_certs: { type: 'boolean', default: true, description: 'https: check the certificate.' },
      ca_cert: { type: 'string', description: 'https: CA certificate file on the target.' },
      timeout: { type: 'integer', minimum: 1, default: 10, description: 'Seconds for the connection and the answer.' },
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    if (args.password) processSecrets().redactor.add(args.password);
    const ca = args.ca_cert === undefined ? undefined : await ctx.connection.get(args.ca_cert);
    if (args.ca_cert !== undefined && ca === null) return { failed: true, changed: false, msg: `${args.ca_cert} does not exist on the target ${ctx.host}` };
    const dispatcher = connectionDispatcher(ctx.connection, {
      connectTimeoutMs: args.timeout * 1000,
      rejectUnauthorized: args.validate_certs,
      ...(ca ? { ca } : {}),
      signal: ctx.signal,
    });
    const host = args.api_host.includes(':') ? `[${args.api_host}]` : args.api_host;
    const url = `${args.scheme}://${host}:${args.api_port}/cluster`;
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (args.username !== undefined) headers['authorization'] = `Basic ${Buffer.from(`${args.username}:${args.password ?? ''}`).toString('base64')}`;
      const response = await request(url, { dispatcher, signal: ctx.signal, headers, headersTimeout: args.timeout * 1000, bodyTimeout: args.timeout * 1000 });
      const text = await response.body.text();
      if (response.statusCode !== 200) return { failed: true, changed: false, status: response.statusCode, url, msg: `GET ${url} answered ${response.statusCode}: ${text.slice(0, 200)}` };
      const cluster = JSON.parse(text) as { members?: PatroniMember[]; scope?: string; [key: string]: unknown };
      const members = cluster.members ?? [];
      const leader = members.find((m) => m.role === 'leader' || m.role === 'standby_leader');
      return {
        changed: false,
        url,
        scope: cluster.scope ?? null,
        members,
        leader: leader?.name ?? null,
        replicas: members.filter((m) => m !== leader && ['replica', 'sync_standby', 'quorum_standby'].includes(m.role)).map((m) => m.name),
        running: members.filter((m) => m.state === 'running' || m.state === 'streaming').map((m) => m.name),
        cluster,
      };
    } catch (error) {
      if (error instanceof ConnectionError) throw error;
      return { failed: true, changed: false, url, msg: `GET ${url} from ${ctx.host}: ${(error as Error).message}` };
    } finally {
      await dispatcher.destroy().catch(() => undefined);
    }
  },
});
