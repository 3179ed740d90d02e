import { defineModule } from '@kbrun/core';
import type { Action, Network } from '../client/api-types.js';
import { CONNECTION_PROPERTIES, LABELS_PROPERTY, ModuleFailure, NETWORKS, WAIT, getById, getByIdOrName, runHcloud, sameLabels, type ConnectionArgs } from './module-support.js';
import { networkResult } from './result-shapes.js';

/** Arguments of `hcloud_network`. */
export interface HcloudNetworkArgs extends ConnectionArgs {
  id?: number;
  name?: string;
  ip_range?: string;
  expose_routes_to_vswitch?: boolean;
  labels?: Record<string, string>;
  delete_protection?: boolean;
  state?: 'present' | 'absent';
}

/** `hcloud_network`: creates, updates and deletes a private network (hetzner.hcloud.network). */
export const hcloudNetwork = defineModule<HcloudNetworkArgs>({
  name: 'hcloud_network',
  description: 'Creates, renames (id + name), updates (ip_range, labels, protection) and deletes a Hetzner Cloud private network (hetzner.hcloud.network).',
  check: 'full',
  destructive: true,
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer', description: 'ID of the network. With `name`, renames the network to `name`.' },
      name: { type: 'string', description: 'Name of the network (required to create one).' },
      ip_range: { type: 'string', description: 'IP range of the network in CIDR notation; required to create.' },
      expose_routes_to_vswitch: { type: 'boolean', description: 'Expose the routes to a connected vSwitch.' },
      labels: LABELS_PROPERTY,
      delete_protection: { type: 'boolean', description: 'Protect the network against deletion.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present or absent.' },
      ...CONNECTION_PROPERTIES,
    },
    anyOf: [{ required: ['id'] }, { required: ['name'] }],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api, changes) => {
      let network = await getByIdOrName<Network>(api, NETWORKS, args.id, args.name);
      const label = `network ${network?.name ?? args.name ?? args.id}`;
      const action = async (command: string, body: unknown) => {
        const answer = await api.request<{ action: Action }>('POST', `/networks/${network!.id}/actions/${command}`, { body });
        await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label });
      };
      if ((args.state ?? 'present') === 'absent') {
        if (network) await changes.apply(`delete ${label}`, () => api.request('DELETE', `/networks/${network!.id}`));
        return changes.result(`${label} is already absent`, { hcloud_network: null });
      }
      if (args.id !== undefined && !network) throw new ModuleFailure(`network with id ${args.id} not found`);
      if (!network) {
        const missing = (['name', 'ip_range'] as const).filter((k) => args[k] === undefined);
        if (missing.length > 0) throw new ModuleFailure(`missing required arguments to create a network: ${missing.join(', ')}`);
        const body: Record<string, unknown> = { name: args.name, ip_range: args.ip_range };
        if (args.labels !== undefined) body['labels'] = args.labels;
        if (args.expose_routes_to_vswitch !== undefined) body['expose_routes_to_vswitch'] = args.expose_routes_to_vswitch;
        await changes.apply(`create network ${args.name} (${args.ip_range})`, async () => {
          network = (await api.request<{ network: Network }>('POST', '/networks', { body })).network;
        });
        if (network && args.delete_protection !== undefined) await changes.apply(`set delete protection of network ${args.name}`, () => action('change_protection', { delete: args.delete_protection }));
      } else {
        const current = network;
        const update: Record<string, unknown> = {};
        if (args.name !== undefined && args.name !== current.name) update['name'] = args.name;
        if (args.labels !== undefined && !sameLabels(args.labels, current.labels)) update['labels'] = args.labels;
        if (args.expose_routes_to_vswitch !== undefined && args.expose_routes_to_vswitch !== (current.expose_routes_to_vswitch ?? false)) update['expose_routes_to_vswitch'] = args.expose_routes_to_vswitch;
        if (Object.keys(update).length > 0) {
          await changes.apply(`update ${label} (${Object.keys(update).join(', ')})`, async () => {
            network = (await api.request<{ network: Network }>('PUT', `/networks/${current.id}`, { body: update })).network;
          });
        }
        if (args.ip_range !== undefined && args.ip_range !== current.ip_range) await changes.apply(`change ip_range of ${label} to ${args.ip_range}`, () => action('change_ip_range', { ip_range: args.ip_range }));
        if (args.delete_protection !== undefined && args.delete_protection !== current.protection.delete) {
          await changes.apply(`set delete protection of ${label}`, () => action('change_protection', { delete: args.delete_protection }));
        }
      }
      if (network && changes.changed && !changes.check) network = (await getById<Network>(api, NETWORKS, network.id)) ?? network;
      return changes.result(`${label} is already present`, { hcloud_network: network ? networkResult(network) : null });
    }),
});
