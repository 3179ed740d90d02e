import { defineModule } from '@kbrun/core';
import type { Action, LoadBalancer, LoadBalancerService } from '../client/api-types.js';
import type { HcloudSession } from '../client/hcloud-session.js';
import { CERTIFICATES, CONNECTION_PROPERTIES, LOAD_BALANCERS, ModuleFailure, WAIT, getById, requireByNameOrId, runHcloud, type ConnectionArgs } from './module-support.js';
import { loadBalancerServiceResult } from './result-shapes.js';

/** The `http` settings of a service. */
export interface ServiceHttpArgs {
  cookie_name?: string;
  cookie_lifetime?: number;
  certificates?: string[];
  sticky_sessions?: boolean;
  redirect_http?: boolean;
  timeout_idle?: number;
}

/** The `health_check` settings of a service. */
export interface ServiceHealthCheckArgs {
  protocol?: 'http' | 'https' | 'tcp';
  port?: number;
  interval?: number;
  timeout?: number;
  retries?: number;
  http?: { domain?: string; path?: string; response?: string; status_codes?: string[]; tls?: boolean };
}

/** Arguments of `hcloud_load_balancer_service`. */
export interface HcloudLoadBalancerServiceArgs extends ConnectionArgs {
  load_balancer: string;
  listen_port: number;
  destination_port?: number;
  protocol?: 'http' | 'https' | 'tcp';
  proxyprotocol?: boolean;
  http?: ServiceHttpArgs;
  health_check?: ServiceHealthCheckArgs;
  state?: 'present' | 'absent';
}

/** `hcloud_load_balancer_service`: adds, updates or deletes a service of a load balancer, identified by listen_port (hetzner.hcloud.load_balancer_service). */
export const hcloudLoadBalancerService = defineModule<HcloudLoadBalancerServiceArgs>({
  name: 'hcloud_load_balancer_service',
  description:
    'Adds, updates or deletes a service of a load balancer, identified by its listen_port (hetzner.hcloud.load_balancer_service). Only the settings given are compared, so a second run reports no change.',
  check: 'full',
  destructive: true,
  schema: {
    type: 'object',
    properties: {
      load_balancer: { type: 'string', description: 'The load balancer (name or ID).' },
      listen_port: { type: 'integer', description: 'The port the service listens on (identifies the service).' },
      destination_port: { type: 'integer', description: 'The port traffic is forwarded to; required to create a tcp service.' },
      protocol: { type: 'string', enum: ['http', 'https', 'tcp'], description: 'Protocol; required to create.' },
      proxyprotocol: { type: 'boolean', default: false, description: 'Enable the PROXY protocol.' },
      http: {
        type: 'object',
        description: 'Settings of http and https services.',
        properties: {
          cookie_name: { type: 'string', description: 'Sticky-session cookie name.' },
          cookie_lifetime: { type: 'integer', description: 'Sticky-session cookie lifetime in seconds.' },
          certificates: { type: 'array', items: { type: 'string' }, description: 'Certificates (names or IDs).' },
          sticky_sessions: { type: 'boolean', default: false, description: 'Enable sticky sessions.' },
          redirect_http: { type: 'boolean', default: false, description: 'Redirect port 80 to 443 (https only).' },
          timeout_idle: { type: 'integer', description: 'Idle timeout in seconds (30 to 300).' },
        },
        additionalProperties: false,
      },
      health_check: {
        type: 'object',
        description: 'Health check settings.',
        properties: {
          protocol: { type: 'string', enum: ['http', 'https', 'tcp'], description: 'Protocol of the check.' },
          port: { type: 'integer', description: 'Port checked.' },
          interval: { type: 'integer', description: 'Seconds between checks.' },
          timeout: { type: 'integer', description: 'Seconds a check may take.' },
          retries: { type: 'integer', description: 'Failures before a target is unhealthy.' },
          http: {
            type: 'object',
            description: 'HTTP settings of the check.',
            properties: {
              domain: { type: 'string', description: 'Host header.' },
              path: { type: 'string', description: 'Path requested.' },
              response: { type: 'string', description: 'Text the response must contain.' },
              status_codes: { type: 'array', items: { type: 'string' }, description: 'Accepted status codes (`2??`, `301`).' },
              tls: { type: 'boolean', default: false, description: 'Verify the certificate (https).' },
            },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present or absent.' },
      ...CONNECTION_PROPERTIES,
    },
    required: ['load_balancer', 'listen_port'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api, changes) => {
      let lb = await requireByNameOrId<LoadBalancer>(api, LOAD_BALANCERS, args.load_balancer);
      const find = (balancer: LoadBalancer) => balancer.services.find((s) => s.listen_port === args.listen_port);
      const label = `service ${args.listen_port} of load balancer ${lb.name}`;
      const action = async (command: string, body: unknown) => {
        const answer = await api.request<{ action: Action }>('POST', `/load_balancers/${lb.id}/actions/${command}`, { body });
        await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label: `load balancer ${lb.name}` });
      };
      if ((args.state ?? 'present') === 'absent') {
        if (find(lb)) await changes.apply(`delete ${label}`, () => action('delete_service', { listen_port: args.listen_port }));
        return changes.result(`${label} is already absent`, { hcloud_load_balancer_service: null });
      }
      const certificateIds = args.http?.certificates ? await Promise.all(args.http.certificates.map(async (c) => (await requireByNameOrId<{ id: number }>(api, CERTIFICATES, c)).id)) : undefined;
      const wanted = serviceBody(args, certificateIds);
      const existing = find(lb);
      if (!existing) {
        if (args.protocol === undefined) throw new ModuleFailure('missing required arguments to create a service: protocol');
        if (args.protocol === 'tcp' && args.destination_port === undefined) throw new ModuleFailure('missing required arguments to create a tcp service: destination_port');
        await changes.apply(`add ${label} (${args.protocol})`, () => action('add_service', wanted));
      } else {
        const differences = differing(wanted, existing as unknown as Record<string, unknown>);
        if (differences.length > 0) await changes.apply(`update ${label} (${differences.join(', ')})`, () => action('update_service', wanted));
      }
      if (changes.changed && !changes.check) lb = (await getById<LoadBalancer>(api, LOAD_BALANCERS, lb.id)) ?? lb;
      const service = find(lb);
      const certificates = await certificateNames(api, service);
      return changes.result(`${label} is already present`, { hcloud_load_balancer_service: service ? loadBalancerServiceResult(lb, service, certificates) : null });
    }),
});

/** The request body: the listen port and every setting given (nothing else, so the API keeps the rest). */
function serviceBody(args: HcloudLoadBalancerServiceArgs, certificateIds: number[] | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { listen_port: args.listen_port };
  if (args.protocol !== undefined) body['protocol'] = args.protocol;
  if (args.destination_port !== undefined) body['destination_port'] = args.destination_port;
  if (args.proxyprotocol !== undefined) body['proxyprotocol'] = args.proxyprotocol;
  if (args.http !== undefined) {
    const http: Record<string, unknown> = dropUndefined({ ...args.http, certificates: certificateIds });
    body['http'] = http;
  }
  if (args.health_check !== undefined) {
    const check: Record<string, unknown> = dropUndefined({ ...args.health_check, http: args.health_check.http ? dropUndefined({ ...args.health_check.http }) : undefined });
    body['health_check'] = check;
  }
  return body;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** Paths of the wanted settings that differ from the service's (`destination_port`, `health_check.interval`, …). */
function differing(wanted: Record<string, unknown>, current: Record<string, unknown> | null | undefined, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const have = current?.[key];
    const path = `${prefix}${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...differing(value as Record<string, unknown>, have as Record<string, unknown>, `${path}.`));
    else if (Array.isArray(value)) {
      if (!Array.isArray(have) || JSON.stringify([...value].map(String).sort()) !== JSON.stringify([...have].map(String).sort())) out.push(path);
    } else if (value !== have) out.push(path);
  }
  return out;
}

async function certificateNames(api: HcloudSession, service: LoadBalancerService | undefined): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const id of service?.http?.certificates ?? []) {
    const certificate = await getById<{ id: number; name: string }>(api, CERTIFICATES, id);
    if (certificate) names.set(id, certificate.name);
  }
  return names;
}
