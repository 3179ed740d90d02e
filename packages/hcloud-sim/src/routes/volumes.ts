// Volume endpoints: list, get, create, update, delete, and attach, detach, resize, change_protection.

import { findByIdOrName, LOCATIONS } from '../catalog.js';
import type { SimCore } from '../core.js';
import { ApiError, invalidField, notFound, notUnique, protectedError, referenceNotFound } from '../errors.js';
import { listAnswer } from '../listing.js';
import { volumeJson } from '../render.js';
import type { RouteContext, RouteResult, Router } from '../router.js';
import type { ServerRecord, VolumeRecord } from '../store.js';
import { bool, int, labels, pathId, ref, resourceName, str } from '../validate.js';
import { registerResourceActionRoutes } from './actions.js';

/** Smallest and largest volume sizes in GB. */
export const MIN_VOLUME_GB = 10;
export const MAX_VOLUME_GB = 10240;

function getVolume(core: SimCore, raw: string | undefined): VolumeRecord {
  const id = pathId(raw, 'volume');
  const volume = core.store.volumes.get(id);
  if (!volume) throw notFound('volume', id);
  return volume;
}

function assertNameFree(core: SimCore, name: string, except?: number): void {
  for (const v of core.store.volumes.values()) {
    if (v.name === name && v.id !== except) throw notUnique('volume name is already used', 'name');
  }
}

function checkSize(size: number): void {
  if (size < MIN_VOLUME_GB || size > MAX_VOLUME_GB) {
    throw invalidField('size', `must be between ${MIN_VOLUME_GB} and ${MAX_VOLUME_GB}`);
  }
}

function bodyServer(core: SimCore, body: Record<string, unknown>, required: boolean): ServerRecord | undefined {
  const raw = required ? ref(body, 'server', true) : ref(body, 'server');
  if (raw === undefined) return undefined;
  const server = core.store.servers.get(Number(raw));
  if (!server) throw referenceNotFound('server');
  return server;
}

/** Start an attach action; the volume points at the server once it succeeds. */
function startAttach(core: SimCore, volume: VolumeRecord, server: ServerRecord, after?: ReturnType<SimCore['startAction']>) {
  return core.startAction({
    command: 'attach_volume',
    resources: [
      { id: volume.id, type: 'volume' },
      { id: server.id, type: 'server' },
    ],
    after,
    onSuccess: () => {
      if (core.store.servers.has(server.id)) volume.serverId = server.id;
    },
  });
}

function createVolume(core: SimCore, body: Record<string, unknown>): RouteResult {
  const size = int(body, 'size', true);
  checkSize(size);
  const name = resourceName(str(body, 'name', true));
  const volumeLabels = labels(body) ?? {};
  bool(body, 'automount');
  const format = str(body, 'format');
  if (format !== undefined && format !== 'xfs' && format !== 'ext4') throw invalidField('format', "must be one of 'xfs', 'ext4'");
  const server = bodyServer(core, body, false);
  const locRef = ref(body, 'location');
  if (!server && locRef === undefined) throw invalidField('location', 'only one of server or location must be provided');
  let location = server?.datacenter.location;
  if (locRef !== undefined) {
    const found = findByIdOrName(LOCATIONS, locRef);
    if (!found) throw referenceNotFound('location');
    if (location && location.name !== found.name) throw invalidField('location', 'server and volume must be in the same location');
    location = found;
  }
  if (!location) throw invalidField('location', 'only one of server or location must be provided');
  if (server) core.assertUnlocked('server', server.id);
  assertNameFree(core, name);

  const volume: VolumeRecord = {
    id: core.store.nextId('volume'),
    name,
    created: core.nowIso(),
    size,
    location,
    serverId: null,
    labels: volumeLabels,
    status: 'creating',
    format: format ?? null,
    protection: { delete: false },
  };
  core.store.volumes.set(volume.id, volume);
  const create = core.startAction({
    command: 'create_volume',
    resources: [{ id: volume.id, type: 'volume' }],
    onSuccess: () => {
      volume.status = 'available';
    },
  });
  const next = server ? [startAttach(core, volume, server, create)] : [];
  return {
    status: 201,
    body: { volume: volumeJson(volume), action: core.engine.json(create), next_actions: next.map((a) => core.engine.json(a)) },
  };
}

function volumeAction(core: SimCore, ctx: RouteContext): RouteResult {
  const volume = getVolume(core, ctx.params['id']);
  const name = ctx.params['action'] ?? '';
  const done = (a: ReturnType<SimCore['startAction']>): RouteResult => ({ status: 201, body: { action: core.engine.json(a) } });
  switch (name) {
    case 'attach': {
      const server = bodyServer(core, ctx.body, true) as ServerRecord;
      bool(ctx.body, 'automount');
      core.assertUnlocked('volume', volume.id);
      if (volume.serverId !== null) {
        throw new ApiError('volume_already_attached', `volume with ID '${volume.id}' is already attached to a server`, null, 422);
      }
      if (server.datacenter.location.name !== volume.location.name) {
        throw invalidField('server', 'server and volume must be in the same location');
      }
      core.assertUnlocked('server', server.id);
      return done(startAttach(core, volume, server));
    }
    case 'detach': {
      core.assertUnlocked('volume', volume.id);
      const serverId = volume.serverId;
      if (serverId === null) throw new ApiError('service_error', `volume with ID '${volume.id}' is not attached to a server`, null);
      core.assertUnlocked('server', serverId);
      return done(
        core.startAction({
          command: 'detach_volume',
          resources: [
            { id: volume.id, type: 'volume' },
            { id: serverId, type: 'server' },
          ],
          onSuccess: () => {
            volume.serverId = null;
          },
        }),
      );
    }
    case 'resize': {
      const size = int(ctx.body, 'size', true);
      checkSize(size);
      if (size <= volume.size) throw invalidField('size', 'must be larger than the current size (volumes can only grow)');
      core.assertUnlocked('volume', volume.id);
      return done(
        core.startAction({
          command: 'resize_volume',
          resources: [{ id: volume.id, type: 'volume' }],
          onSuccess: () => {
            volume.size = size;
          },
        }),
      );
    }
    case 'change_protection': {
      const del = bool(ctx.body, 'delete');
      if (del !== undefined) volume.protection = { delete: del };
      return done(core.startAction({ command: 'change_protection', resources: [{ id: volume.id, type: 'volume' }], locks: false }));
    }
    default:
      throw new ApiError('not_found', 'not found', null);
  }
}

/** Register every `/volumes` route. */
export function registerVolumeRoutes(router: Router, core: SimCore): void {
  const { store } = core;
  registerResourceActionRoutes(router, core, 'volumes', 'volume', (id) => store.volumes.has(id));
  router.on('GET', '/volumes', (ctx) =>
    listAnswer(ctx, {
      key: 'volumes',
      items: [...store.volumes.values()],
      id: (v) => v.id,
      render: volumeJson,
      sortFields: { name: (v) => v.name, created: (v) => v.created },
      name: (v) => v.name,
      labels: (v) => v.labels,
      filters: { status: (v, values) => values.includes(v.status) },
    }),
  );
  router.on('POST', '/volumes', (ctx) => createVolume(core, ctx.body));
  router.on('GET', '/volumes/:id', (ctx) => ({ status: 200, body: { volume: volumeJson(getVolume(core, ctx.params['id'])) } }));
  router.on('PUT', '/volumes/:id', (ctx) => {
    const volume = getVolume(core, ctx.params['id']);
    const name = str(ctx.body, 'name');
    const newLabels = labels(ctx.body);
    if (name !== undefined) {
      resourceName(name);
      assertNameFree(core, name, volume.id);
      volume.name = name;
    }
    if (newLabels !== undefined) volume.labels = newLabels;
    return { status: 200, body: { volume: volumeJson(volume) } };
  });
  router.on('DELETE', '/volumes/:id', (ctx) => {
    const volume = getVolume(core, ctx.params['id']);
    if (volume.protection.delete) throw protectedError('volume', 'delete');
    core.assertUnlocked('volume', volume.id);
    // Real answer seen from the API (hetznercloud/csi-driver#12): "volume with ID '…' is still attached to a server (service_error)".
    if (volume.serverId !== null) {
      throw new ApiError('service_error', `volume with ID '${volume.id}' is still attached to a server`, null);
    }
    store.volumes.delete(volume.id);
    return { status: 204 };
  });
  router.on('POST', '/volumes/:id/actions/:action', (ctx) => volumeAction(core, ctx));
}
