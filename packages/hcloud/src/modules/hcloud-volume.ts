import { defineModule, type ModuleContext } from '@kbrun/core';
import type { Action, Server, Volume } from '../client/api-types.js';
import type { HcloudSession } from '../client/hcloud-session.js';
import {
  CONNECTION_PROPERTIES,
  LABELS_PROPERTY,
  ModuleFailure,
  RECENT,
  SERVERS,
  VOLUMES,
  WAIT,
  getById,
  getByIdOrName,
  refuseProtected,
  requireByNameOrId,
  runHcloud,
  sameLabels,
  type Changes,
  type ConnectionArgs,
} from './module-support.js';
import { serverNames, volumeResult } from './result-shapes.js';

/** Arguments of `hcloud_volume` (the collection's names). */
export interface HcloudVolumeArgs extends ConnectionArgs {
  id?: number;
  name?: string;
  size?: number;
  location?: string;
  server?: string;
  labels?: Record<string, string>;
  automount?: boolean;
  format?: 'xfs' | 'ext4';
  delete_protection?: boolean;
  state?: 'present' | 'absent';
}

/** `hcloud_volume`: creates, grows, attaches, renames and deletes a volume (hetzner.hcloud.volume). */
export const hcloudVolume = defineModule<HcloudVolumeArgs>({
  name: 'hcloud_volume',
  description:
    'Creates, grows, attaches (to `server`), renames and deletes a Hetzner Cloud volume (hetzner.hcloud.volume). Like the collection, a missing `server` leaves the attachment alone: detach with hcloud_volume_attachment state=absent. state=absent detaches the volume first. Destructive for absent and for moving an attached volume.',
  check: 'full',
  destructive: true,
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer', description: 'ID of the volume. With `name`, renames the volume to `name`.' },
      name: { type: 'string', description: 'Name of the volume (required to create one).' },
      size: { type: 'integer', minimum: 10, description: 'Size in GB; required to create. A larger size grows the volume; volumes never shrink.' },
      location: { type: 'string', description: 'Location to create the volume in (when no `server` is given).' },
      server: { type: 'string', description: 'Server (name or ID) the volume is attached to; the volume is moved there when attached elsewhere.' },
      labels: LABELS_PROPERTY,
      automount: { type: 'boolean', default: false, description: 'Let the server mount the volume automatically when attaching.' },
      format: { type: 'string', enum: ['xfs', 'ext4'], description: 'Filesystem to format the volume with at creation.' },
      delete_protection: { type: 'boolean', description: 'Protect the volume against deletion.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present or absent.' },
      ...CONNECTION_PROPERTIES,
    },
    anyOf: [{ required: ['id'] }, { required: ['name'] }],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api, changes) => {
      let volume = await getByIdOrName<Volume>(api, VOLUMES, args.id, args.name, RECENT);
      const label = `volume ${volume?.name ?? args.name ?? args.id}`;
      if ((args.state ?? 'present') === 'absent') {
        if (volume) await deleteVolume(api, ctx, volume, changes);
        return changes.result(`${label} is already absent`, { hcloud_volume: null });
      }
      if (args.id !== undefined && !volume) throw new ModuleFailure(`volume with id ${args.id} not found`);
      volume = volume ? await updateVolume(api, ctx, args, volume, changes) : await createVolume(api, args, changes);
      if (!volume) return changes.result(`${label} is already present`, { hcloud_volume: null });
      if (changes.changed && !changes.check) volume = (await getById<Volume>(api, VOLUMES, volume.id)) ?? volume;
      const servers = await serverNames(api, volume.server === null || volume.server === undefined ? [] : [volume.server]);
      return changes.result(`${label} is already present`, { hcloud_volume: volumeResult(volume, servers) });
    }),
});

/** One volume action (`POST /volumes/{id}/actions/<command>`), waited for. */
async function volumeAction(api: HcloudSession, volume: Volume, command: string, body?: unknown): Promise<void> {
  const answer = await api.request<{ action: Action }>('POST', `/volumes/${volume.id}/actions/${command}`, body === undefined ? {} : { body });
  await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label: `volume ${volume.name}` });
}

/** Detaches the volume (refused when it is attached to a protected server). */
export async function detachVolume(api: HcloudSession, ctx: ModuleContext, volume: Volume, changes: Changes): Promise<void> {
  if (volume.server === null || volume.server === undefined) return;
  const serverName = (await getById<Server>(api, SERVERS, volume.server, RECENT))?.name;
  refuseProtected(ctx, serverName, `detach volume ${volume.name} from server ${serverName}`);
  await changes.apply(`detach volume ${volume.name} from server ${serverName ?? volume.server}`, () => volumeAction(api, volume, 'detach'));
}

async function deleteVolume(api: HcloudSession, ctx: ModuleContext, volume: Volume, changes: Changes): Promise<void> {
  await detachVolume(api, ctx, volume, changes);
  await changes.apply(`delete volume ${volume.name}`, () => api.request('DELETE', `/volumes/${volume.id}`));
}

async function createVolume(api: HcloudSession, args: HcloudVolumeArgs, changes: Changes): Promise<Volume | undefined> {
  const missing = (['name', 'size'] as const).filter((k) => args[k] === undefined);
  if (missing.length > 0) throw new ModuleFailure(`missing required arguments to create a volume: ${missing.join(', ')}`);
  const body: Record<string, unknown> = { name: args.name, size: args.size, automount: args.automount ?? false };
  if (args.format !== undefined) body['format'] = args.format;
  if (args.labels !== undefined) body['labels'] = args.labels;
  let where: string;
  if (args.server !== undefined) {
    const server = await requireByNameOrId<Server>(api, SERVERS, args.server);
    body['server'] = server.id;
    where = `attached to server ${server.name}`;
  } else if (args.location !== undefined) {
    body['location'] = args.location;
    where = `in ${args.location}`;
  } else {
    throw new ModuleFailure('server or location is required');
  }
  let volume: Volume | undefined;
  await changes.apply(`create volume ${args.name} (${args.size} GB${args.format ? `, ${args.format}` : ''}) ${where}`, async () => {
    const answer = await api.request<{ volume: Volume; action: Action | null; next_actions?: Action[] }>('POST', '/volumes', { body });
    volume = answer.volume;
    await api.waitForActions([answer.action, ...(answer.next_actions ?? [])], { timeoutMs: WAIT.normal, label: `volume ${args.name}` });
  });
  if (volume && args.delete_protection !== undefined) {
    const created = volume;
    await changes.apply(`set delete protection of volume ${created.name}`, () => volumeAction(api, created, 'change_protection', { delete: args.delete_protection }));
  }
  return volume;
}

async function updateVolume(api: HcloudSession, ctx: ModuleContext, args: HcloudVolumeArgs, volume: Volume, changes: Changes): Promise<Volume> {
  let current = volume;
  if (args.size !== undefined) {
    if (args.size > current.size) await changes.apply(`grow volume ${current.name} from ${current.size} to ${args.size} GB`, () => volumeAction(api, current, 'resize', { size: args.size }));
    else if (args.size < current.size) changes.warn('Shrinking of volumes is not supported');
  }
  if (args.server !== undefined) {
    const server = await requireByNameOrId<Server>(api, SERVERS, args.server);
    if (current.server !== server.id) {
      // A volume attached elsewhere must be detached first (the API answers volume_already_attached otherwise).
      await detachVolume(api, ctx, current, changes);
      await changes.apply(`attach volume ${current.name} to server ${server.name}`, () => volumeAction(api, current, 'attach', { server: server.id, automount: args.automount ?? false }));
    }
  }
  const update: Record<string, unknown> = {};
  if (args.name !== undefined && args.name !== current.name) update['name'] = args.name;
  if (args.labels !== undefined && !sameLabels(args.labels, current.labels)) update['labels'] = args.labels;
  if (Object.keys(update).length > 0) {
    const what = [update['name'] !== undefined ? `rename volume ${current.name} to ${args.name}` : undefined, update['labels'] !== undefined ? `set labels of volume ${args.name ?? current.name}` : undefined]
      .filter(Boolean)
      .join(', ');
    await changes.apply(what, async () => {
      current = (await api.request<{ volume: Volume }>('PUT', `/volumes/${current.id}`, { body: update })).volume;
    });
  }
  if (args.delete_protection !== undefined && args.delete_protection !== current.protection.delete) {
    await changes.apply(`set delete protection of volume ${current.name}`, () => volumeAction(api, current, 'change_protection', { delete: args.delete_protection }));
  }
  return current;
}
