import { defineModule } from '@kbrun/core';
import type { Action, LoadBalancer } from '../client/api-types.js';
import { CONNECTION_PROPERTIES, LABELS_PROPERTY, LOAD_BALANCERS, ModuleFailure, WAIT, getById, getByIdOrName, runHcloud, sameLabels, type ConnectionArgs } from './module-support.js';
import { loadBalancerResult } from './result-shapes.js';

/** Arguments of `hcloud_load_balancer`. */
export interface HcloudLoadBalancerArgs extends ConnectionArgs {
  id?: number;
  name?: string;
  load_balancer_type?: string;
  algorithm?: 'round_robin' | 'least_connections';
  location?: string;
  network_zone?: string;
  labels?: Record<string, string>;
  delete_protection?: boolean;
  disable_public_interface?: boolean;
  state?: 'present' | 'absent';
}

/** `hcloud_load_balancer`: creates, updates and deletes a load balancer (hetzner.hcloud.load_balancer). */
export const hcloudLoadBalancer = defineModule<HcloudLoadBalancerArgs>({
  name: 'hcloud_load_balancer',
  description:
    'Creates, updates (type, algorithm, labels, public interface, protection) and deletes a load balancer (hetzner.hcloud.load_balancer). Unlike the collection, an omitted algorithm or disable_public_interface leaves an existing load balancer as it is (round_robin and an enabled interface at creation).',
  check: 'full',
  destructive: true,
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer', description: 'ID of the load balancer.' },
      name: { type: 'string', description: 'Name of the load balancer (required to create one).' },
      load_balancer_type: { type: 'string', description: 'Type (lb11, lb21, …); required to create.' },
      algorithm: { type: 'string', enum: ['round_robin', 'least_connections'], description: 'Balancing algorithm (round_robin at creation when omitted).' },
      location: { type: 'string', description: 'Location to create it in (or network_zone).' },
      network_zone: { type: 'string', description: 'Network zone to create it in (or location).' },
      labels: LABELS_PROPERTY,
      delete_protection: { type: 'boolean', description: 'Protect the load balancer against deletion.' },
      disable_public_interface: { type: 'boolean', description: 'Disable the public interface.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present or absent.' },
      ...CONNECTION_PROPERTIES,
    },
    anyOf: [{ required: ['id'] }, { required: ['name'] }],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api, changes) => {
      let lb = await getByIdOrName<LoadBalancer>(api, LOAD_BALANCERS, args.id, args.name);
      const label = `load balancer ${lb?.name ?? args.name ?? args.id}`;
      const action = async (id: number, command: string, body?: unknown) => {
        const answer = await api.request<{ action: Action }>('POST', `/load_balancers/${id}/actions/${command}`, body === undefined ? {} : { body });
        await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label });
      };
      if ((args.state ?? 'present') === 'absent') {
        if (lb) await changes.apply(`delete ${label}`, () => api.request('DELETE', `/load_balancers/${lb!.id}`));
        return changes.result(`${label} is already absent`, { hcloud_load_balancer: null });
      }
      if (args.id !== undefined && !lb) throw new ModuleFailure(`load balancer with id ${args.id} not found`);
      if (!lb) {
        const missing = (['name', 'load_balancer_type'] as const).filter((k) => args[k] === undefined);
        if (missing.length > 0) throw new ModuleFailure(`missing required arguments to create a load balancer: ${missing.join(', ')}`);
        if (args.location === undefined && args.network_zone === undefined) throw new ModuleFailure('one of the following is required: location, network_zone');
        const body: Record<string, unknown> = { name: args.name, load_balancer_type: args.load_balancer_type, algorithm: { type: args.algorithm ?? 'round_robin' } };
        if (args.location !== undefined) body['location'] = args.location;
        else body['network_zone'] = args.network_zone;
        if (args.labels !== undefined) body['labels'] = args.labels;
        if (args.disable_public_interface === true) body['public_interface'] = false;
        await changes.apply(`create load balancer ${args.name} (${args.load_balancer_type}, ${args.location ?? args.network_zone})`, async () => {
          const answer = await api.request<{ load_balancer: LoadBalancer; action: Action }>('POST', '/load_balancers', { body });
          lb = answer.load_balancer;
          await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label: `load balancer ${args.name}` });
        });
        const created = lb as LoadBalancer | undefined;
        if (created && args.delete_protection !== undefined) {
          const id = created.id;
          await changes.apply(`set delete protection of load balancer ${args.name}`, () => action(id, 'change_protection', { delete: args.delete_protection }));
        }
      } else {
        const current = lb;
        const update: Record<string, unknown> = {};
        if (args.name !== undefined && args.name !== current.name) update['name'] = args.name;
        if (args.labels !== undefined && !sameLabels(args.labels, current.labels)) update['labels'] = args.labels;
        if (Object.keys(update).length > 0) {
          await changes.apply(`update ${label} (${Object.keys(update).join(', ')})`, () => api.request('PUT', `/load_balancers/${current.id}`, { body: update }));
        }
        if (args.delete_protection !== undefined && args.delete_protection !== current.protection.delete) {
          await changes.apply(`set delete protection of ${label}`, () => action(current.id, 'change_protection', { delete: args.delete_protection }));
        }
        if (args.disable_public_interface !== undefined && args.disable_public_interface === current.public_net.enabled) {
          const command = args.disable_public_interface ? 'disable_public_interface' : 'enable_public_interface';
          await changes.apply(`${args.disable_public_interface ? 'disable' : 'enable'} the public interface of ${label}`, () => action(current.id, command));
        }
        if (args.load_balancer_type !== undefined && args.load_balancer_type !== current.load_balancer_type.name && args.load_balancer_type !== String(current.load_balancer_type.id)) {
          await changes.apply(`change type of ${label} to ${args.load_balancer_type}`, () => action(current.id, 'change_type', { load_balancer_type: args.load_balancer_type }));
        }
        if (args.algorithm !== undefined && args.algorithm !== current.algorithm.type) {
          await changes.apply(`change algorithm of ${label} to ${args.algorithm}`, () => action(current.id, 'change_algorithm', { type: args.algorithm }));
        }
      }
      if (lb && changes.changed && !changes.check) lb = (await getById<LoadBalancer>(api, LOAD_BALANCERS, lb.id)) ?? lb;
      return changes.result(`${label} is already present`, { hcloud_load_balancer: lb ? loadBalancerResult(lb) : null });
    }),
});
