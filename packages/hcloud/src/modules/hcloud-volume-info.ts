import { defineModule } from '@kbrun/core';
import type { Volume } from '../client/api-types.js';
import { CONNECTION_PROPERTIES, VOLUMES, getById, getByName, runHcloud, type ConnectionArgs } from './module-support.js';
import { serverNames, volumeResult } from './result-shapes.js';

/** Arguments of `hcloud_volume_info`. */
export interface HcloudVolumeInfoArgs extends ConnectionArgs {
  id?: number;
  name?: string;
  label_selector?: string;
}

/** `hcloud_volume_info`: lists volumes, all or by id, name or label selector (hetzner.hcloud.volume_info). */
export const hcloudVolumeInfo = defineModule<HcloudVolumeInfoArgs>({
  name: 'hcloud_volume_info',
  description: 'Reads volumes (all, or one by id or name, or those matching a label selector) into `hcloud_volume_info`, shaped like hetzner.hcloud.volume_info.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer', description: 'ID of the volume.' },
      name: { type: 'string', description: 'Name of the volume.' },
      label_selector: { type: 'string', description: 'Label selector (`env=prod,role`), as the API filters.' },
      ...CONNECTION_PROPERTIES,
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api) => {
      let volumes: Volume[];
      if (args.id !== undefined) volumes = [await getById<Volume>(api, VOLUMES, args.id)].filter((v): v is Volume => v !== undefined);
      else if (args.name !== undefined) volumes = [await getByName<Volume>(api, VOLUMES, args.name)].filter((v): v is Volume => v !== undefined);
      else volumes = await api.list<Volume>(VOLUMES.path, VOLUMES.many, args.label_selector ? { label_selector: args.label_selector } : {});
      const servers = await serverNames(api, volumes.flatMap((v) => (v.server === null || v.server === undefined ? [] : [v.server])));
      return { changed: false, hcloud_volume_info: volumes.map((v) => volumeResult(v, servers)) };
    }),
});
