import { defineModule } from '@kbrun/core';
import type { Action, Network } from '../client/api-types.js';
import { CONNECTION_PROPERTIES, ModuleFailure, NETWORKS, WAIT, getById, requireByNameOrId, runHcloud, type ConnectionArgs } from './module-support.js';
import { subnetworkResult } from './result-shapes.js';

/** Arguments of `hcloud_subnetwork`. */
export interface HcloudSubnetworkArgs extends ConnectionArgs {
  network: string;
  network_zone: string;
  type: 'server' | 'cloud' | 'vswitch';
  ip_range: string;
  vswitch_id?: number;
  state?: 'present' | 'absent';
}

/** `hcloud_subnetwork`: adds or deletes a subnet of a network, identified by its ip_range (hetzner.hcloud.subnetwork). */
export const hcloudSubnetwork = defineModule<HcloudSubnetworkArgs>({
  name: 'hcloud_subnetwork',
  description: 'Adds a subnet to a network or deletes it; the subnet is identified by its ip_range (hetzner.hcloud.subnetwork).',
  check: 'full',
  destructive: true,
  schema: {
    type: 'object',
    properties: {
      network: { type: 'string', description: 'The network (name or ID).' },
      network_zone: { type: 'string', description: 'Network zone of the subnet (eu-central, us-east, …).' },
      type: { type: 'string', enum: ['server', 'cloud', 'vswitch'], description: 'Type of the subnet.' },
      ip_range: { type: 'string', description: 'IP range of the subnet in CIDR notation.' },
      vswitch_id: { type: 'integer', description: 'ID of the Robot vSwitch; required for type=vswitch.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present or absent.' },
      ...CONNECTION_PROPERTIES,
    },
    required: ['network', 'network_zone', 'type', 'ip_range'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api, changes) => {
      let network = await requireByNameOrId<Network>(api, NETWORKS, args.network);
      const find = (n: Network) => n.subnets.find((s) => s.ip_range === args.ip_range);
      const label = `subnet ${args.ip_range} of network ${network.name}`;
      const action = async (command: string, body: unknown) => {
        const answer = await api.request<{ action: Action }>('POST', `/networks/${network.id}/actions/${command}`, { body });
        await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label: `network ${network.name}` });
      };
      if ((args.state ?? 'present') === 'absent') {
        if (find(network)) await changes.apply(`delete ${label}`, () => action('delete_subnet', { ip_range: args.ip_range }));
        return changes.result(`${label} is already absent`, { hcloud_subnetwork: null });
      }
      if (!find(network)) {
        const body: Record<string, unknown> = { type: args.type, ip_range: args.ip_range, network_zone: args.network_zone };
        if (args.type === 'vswitch') {
          if (args.vswitch_id === undefined) throw new ModuleFailure('missing required arguments for type=vswitch: vswitch_id');
          body['vswitch_id'] = args.vswitch_id;
        }
        await changes.apply(`add ${label} (${args.type}, ${args.network_zone})`, () => action('add_subnet', body));
        if (!changes.check) network = (await getById<Network>(api, NETWORKS, network.id)) ?? network;
      }
      const subnet = find(network);
      return changes.result(`${label} is already present`, { hcloud_subnetwork: subnet ? subnetworkResult(network, subnet) : null });
    }),
});
