import { defineModule } from '@kbrun/core';
import type { Action, LoadBalancer, LoadBalancerTarget, Server } from '../client/api-types.js';
import { CONNECTION_PROPERTIES, LOAD_BALANCERS, ModuleFailure, SERVERS, WAIT, getById, requireByNameOrId, runHcloud, withTargets, type ConnectionArgs } from './module-support.js';
import { loadBalancerTargetResult } from './result-shapes.js';

/** Arguments of `hcloud_load_balancer_target`. */
export interface HcloudLoadBalancerTargetArgs extends ConnectionArgs {
  type: 'server' | 'label_selector' | 'ip';
  load_balancer: string;
  server?: string;
  label_selector?: string;
  ip?: string;
  use_private_ip?: boolean;
  state?: 'present' | 'absent';
}

/** `hcloud_load_balancer_target`: adds or removes a target of a load balancer (hetzner.hcloud.load_balancer_target). */
export const hcloudLoadBalancerTarget = withTargets(
  defineModule<HcloudLoadBalancerTargetArgs>({
    name: 'hcloud_load_balancer_target',
    description: 'Adds a target (a server, a label selector or an IP) to a load balancer, or removes it (hetzner.hcloud.load_balancer_target). Removing a server target takes it out of service.',
    check: 'full',
    destructive: true,
    schema: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['server', 'label_selector', 'ip'], description: 'Kind of target.' },
        load_balancer: { type: 'string', description: 'The load balancer (name or ID).' },
        server: { type: 'string', description: 'The server (name or ID), for type=server.' },
        label_selector: { type: 'string', description: 'The label selector, for type=label_selector.' },
        ip: { type: 'string', description: 'The IP, for type=ip.' },
        use_private_ip: { type: 'boolean', default: false, description: 'Reach the target over the private network.' },
        state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present or absent.' },
        ...CONNECTION_PROPERTIES,
      },
      required: ['type', 'load_balancer'],
      additionalProperties: false,
    },
    run: (args, ctx) =>
      runHcloud(args, ctx, async (api, changes) => {
        let lb = await requireByNameOrId<LoadBalancer>(api, LOAD_BALANCERS, args.load_balancer);
        let server: Server | undefined;
        let spec: Record<string, unknown>;
        let what: string;
        if (args.type === 'server') {
          if (args.server === undefined) throw new ModuleFailure('missing required arguments for type=server: server');
          server = await requireByNameOrId<Server>(api, SERVERS, args.server);
          spec = { type: 'server', server: { id: server.id } };
          what = `server ${server.name}`;
        } else if (args.type === 'label_selector') {
          if (args.label_selector === undefined) throw new ModuleFailure('missing required arguments for type=label_selector: label_selector');
          spec = { type: 'label_selector', label_selector: { selector: args.label_selector } };
          what = `label selector ${args.label_selector}`;
        } else {
          if (args.ip === undefined) throw new ModuleFailure('missing required arguments for type=ip: ip');
          spec = { type: 'ip', ip: { ip: args.ip } };
          what = `IP ${args.ip}`;
        }
        const find = (balancer: LoadBalancer): LoadBalancerTarget | undefined =>
          balancer.targets.find((t) => {
            if (t.type !== args.type) return false;
            if (args.type === 'server') return t.server?.id === server!.id;
            if (args.type === 'label_selector') return t.label_selector?.selector === args.label_selector;
            return t.ip?.ip === args.ip;
          });
        const label = `target ${what} of load balancer ${lb.name}`;
        const action = async (command: string, body: unknown) => {
          const answer = await api.request<{ action: Action }>('POST', `/load_balancers/${lb.id}/actions/${command}`, { body });
          await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label: `load balancer ${lb.name}` });
        };
        if ((args.state ?? 'present') === 'absent') {
          if (find(lb)) await changes.apply(`remove ${label}`, () => action('remove_target', spec));
          return changes.result(`${label} is already absent`, { hcloud_load_balancer_target: null });
        }
        let target = find(lb);
        if (!target) {
          const body = { ...spec, use_private_ip: args.type === 'ip' ? false : (args.use_private_ip ?? false) };
          await changes.apply(`add ${label}`, () => action('add_target', body));
          if (!changes.check) {
            lb = (await getById<LoadBalancer>(api, LOAD_BALANCERS, lb.id)) ?? lb;
            target = find(lb);
          }
        }
        const names = new Map<number, string>(server ? [[server.id, server.name]] : []);
        return changes.result(`${label} is already present`, { hcloud_load_balancer_target: target ? loadBalancerTargetResult(lb, target, names) : null });
      }),
  }),
  // Taking a server out of a load balancer interrupts its service.
  (args) => [args.state === 'absent' && args.type === 'server' ? args.server : undefined],
);
