import { defineModule } from '@kbrun/core';
import type { Server } from '../client/api-types.js';
import { CONNECTION_PROPERTIES, SERVERS, getById, getByName, runHcloud, type ConnectionArgs } from './module-support.js';
import { serverResult } from './result-shapes.js';

/** Arguments of `hcloud_server_info`. */
export interface HcloudServerInfoArgs extends ConnectionArgs {
  id?: number;
  name?: string;
  label_selector?: string;
}

/** `hcloud_server_info`: lists servers, all or by id, name or label selector (hetzner.hcloud.server_info). */
export const hcloudServerInfo = defineModule<HcloudServerInfoArgs>({
  name: 'hcloud_server_info',
  description: 'Reads servers (all, or one by id or name, or those matching a label selector) into `hcloud_server_info`, shaped like hetzner.hcloud.server_info.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer', description: 'ID of the server.' },
      name: { type: 'string', description: 'Name of the server.' },
      label_selector: { type: 'string', description: 'Label selector (`env=prod,role`), as the API filters.' },
      ...CONNECTION_PROPERTIES,
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api) => {
      let servers: Server[];
      if (args.id !== undefined) servers = [await getById<Server>(api, SERVERS, args.id)].filter((s): s is Server => s !== undefined);
      else if (args.name !== undefined) servers = [await getByName<Server>(api, SERVERS, args.name)].filter((s): s is Server => s !== undefined);
      else servers = await api.list<Server>(SERVERS.path, SERVERS.many, args.label_selector ? { label_selector: args.label_selector } : {});
      const networks = await api.networkNames(servers.flatMap((s) => s.private_net.map((n) => n.network)));
      return { changed: false, hcloud_server_info: servers.map((s) => serverResult(s, networks)) };
    }),
});
