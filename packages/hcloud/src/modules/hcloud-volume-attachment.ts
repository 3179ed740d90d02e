import { defineModule } from '@kbrun/core';
import type { Action, Server, Volume } from '../client/api-types.js';
import { CONNECTION_PROPERTIES, ModuleFailure, RECENT, SERVERS, VOLUMES, WAIT, getById, requireByNameOrId, runHcloud, type ConnectionArgs } from './module-support.js';
import { detachVolume } from './hcloud-volume.js';

/** Arguments of `hcloud_volume_attachment`. */
export interface HcloudVolumeAttachmentArgs extends ConnectionArgs {
  volume: string;
  server?: string;
  automount?: boolean;
  state?: 'present' | 'absent';
}

/** `hcloud_volume_attachment`: attaches a volume to a server or detaches it (hetzner.hcloud.volume_attachment). */
export const hcloudVolumeAttachment = defineModule<HcloudVolumeAttachmentArgs>({
  name: 'hcloud_volume_attachment',
  description: 'Attaches a volume to a server (state=present, moving it if attached elsewhere) or detaches it (state=absent), like hetzner.hcloud.volume_attachment. Detaching is destructive.',
  check: 'full',
  destructive: true,
  schema: {
    type: 'object',
    properties: {
      volume: { type: 'string', description: 'The volume (name or ID).' },
      server: { type: 'string', description: 'The server (name or ID) to attach to; required for state=present.' },
      automount: { type: 'boolean', description: 'Let the server mount the volume automatically.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present (attached to `server`) or absent (detached).' },
      ...CONNECTION_PROPERTIES,
    },
    required: ['volume'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api, changes) => {
      let volume = await requireByNameOrId<Volume>(api, VOLUMES, args.volume, RECENT);
      const attachedName = async (v: Volume) => (v.server === null || v.server === undefined ? null : ((await getById<Server>(api, SERVERS, v.server, RECENT))?.name ?? String(v.server)));
      if ((args.state ?? 'present') === 'absent') {
        await detachVolume(api, ctx, volume, changes);
        return changes.result(`volume ${volume.name} is already detached`, { hcloud_volume_attachment: { volume: volume.name, server: changes.changed ? null : await attachedName(volume) } });
      }
      if (args.server === undefined) throw new ModuleFailure('missing required arguments: server');
      const server = await requireByNameOrId<Server>(api, SERVERS, args.server);
      if (volume.server !== server.id) {
        await detachVolume(api, ctx, volume, changes);
        await changes.apply(`attach volume ${volume.name} to server ${server.name}`, async () => {
          const body: Record<string, unknown> = { server: server.id };
          if (args.automount !== undefined) body['automount'] = args.automount;
          const answer = await api.request<{ action: Action }>('POST', `/volumes/${volume.id}/actions/attach`, { body });
          await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label: `volume ${volume.name}` });
        });
        if (!changes.check) volume = (await getById<Volume>(api, VOLUMES, volume.id)) ?? volume;
      }
      return changes.result(`volume ${volume.name} is already attached to server ${server.name}`, { hcloud_volume_attachment: { volume: volume.name, server: server.name } });
    }),
});
