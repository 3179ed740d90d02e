import { defineModule, processSecrets, type ModuleContext } from '@kbrun/core';
import type { Action, Firewall, Image, Network, Server, ServerType, Volume } from '../client/api-types.js';
import type { HcloudSession } from '../client/hcloud-session.js';
import {
  CONNECTION_PROPERTIES,
  FIREWALLS,
  LABELS_PROPERTY,
  ModuleFailure,
  NETWORKS,
  RECENT,
  SERVERS,
  VOLUMES,
  WAIT,
  getById,
  getByIdOrName,
  matchesNameOrId,
  refuseProtected,
  requireByNameOrId,
  runHcloud,
  sameLabels,
  withTargets,
  type Changes,
  type ConnectionArgs,
} from './module-support.js';
import { serverResult } from './result-shapes.js';

/** Arguments of `hcloud_server` (the collection's names). */
export interface HcloudServerArgs extends ConnectionArgs {
  id?: number;
  name?: string;
  server_type?: string;
  image?: string;
  location?: string;
  datacenter?: string;
  ssh_keys?: string[];
  volumes?: string[];
  firewalls?: string[];
  private_networks?: string[] | null;
  labels?: Record<string, string>;
  user_data?: string;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
  delete_protection?: boolean;
  rebuild_protection?: boolean;
  upgrade_disk?: boolean;
  force?: boolean;
  state?: 'absent' | 'present' | 'created' | 'started' | 'stopped' | 'restarted' | 'rebuild';
}

const STATES = ['absent', 'present', 'created', 'started', 'stopped', 'restarted', 'rebuild'] as const;
const RUNNING_OR_BOOTING = new Set(['running', 'starting', 'initializing']);
const DESTRUCTIVE_STATES = new Set(['absent', 'stopped', 'restarted', 'rebuild']);

/** `hcloud_server`: creates, updates, renames, powers, rebuilds and deletes a server (hetzner.hcloud.server). */
export const hcloudServer = withTargets(
  defineModule<HcloudServerArgs>({
    name: 'hcloud_server',
    description:
      'Creates, updates and deletes a Hetzner Cloud server, powers it on or off, restarts or rebuilds it (hetzner.hcloud.server). Rename with `id` plus the new `name`. Destructive for absent, stopped, restarted and rebuild, and for a forced server_type change.',
    check: 'full',
    destructive: true,
    schema: {
      type: 'object',
      properties: {
        id: { type: 'integer', description: 'ID of the server to manage. With `name`, renames the server to `name`.' },
        name: { type: 'string', description: 'Name of the server to manage (required to create one).' },
        server_type: { type: 'string', description: 'Server type (name or ID). Required to create; changing it needs the server off (use force=true to power it off).' },
        image: { type: 'string', description: 'Image (name or ID) to create from; required to create and for state=rebuild.' },
        location: { type: 'string', description: 'Location (name or ID) to create the server in; only used at creation.' },
        datacenter: { type: 'string', description: 'Deprecated by Hetzner in favour of location; only used at creation.' },
        ssh_keys: { type: 'array', items: { type: 'string' }, description: 'SSH keys (names or IDs) for root; only used at creation.' },
        volumes: { type: 'array', items: { type: 'string' }, description: 'Volumes (names or IDs) to attach at creation.' },
        firewalls: { type: 'array', items: { type: 'string' }, description: 'Firewalls (names or IDs) applied to the server; when given, exactly these.' },
        private_networks: {
          anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }],
          description: 'Networks (names or IDs) the server is attached to; when given (even []), exactly these; when omitted, left alone.',
        },
        labels: LABELS_PROPERTY,
        user_data: { type: 'string', description: 'Cloud-init user data, at creation and rebuild.' },
        enable_ipv4: { type: 'boolean', default: true, description: 'Give the server a public IPv4 at creation.' },
        enable_ipv6: { type: 'boolean', default: true, description: 'Give the server a public IPv6 at creation.' },
        delete_protection: { type: 'boolean', description: 'Protect the server against deletion.' },
        rebuild_protection: { type: 'boolean', description: 'Protect the server against rebuild.' },
        upgrade_disk: { type: 'boolean', default: false, description: 'Grow the disk when changing server_type (the server can then not be downgraded).' },
        force: { type: 'boolean', default: false, description: 'Power a running server off to apply a server_type change.' },
        state: { type: 'string', enum: [...STATES], default: 'present', description: 'present (exists and runs), created (exists), started, stopped, restarted, rebuild or absent.' },
        ...CONNECTION_PROPERTIES,
      },
      anyOf: [{ required: ['id'] }, { required: ['name'] }],
      additionalProperties: false,
    },
    run: (args, ctx) =>
      runHcloud(args, ctx, async (api, changes) => {
        const state = args.state ?? 'present';
        let server = await getByIdOrName<Server>(api, SERVERS, args.id, args.name, RECENT);
        const label = `server ${server?.name ?? args.name ?? args.id}`;
        if (state === 'absent') {
          if (server) {
            refuseProtected(ctx, server.name, `delete ${label}`);
            const id = server.id;
            await changes.apply(`delete ${label}`, async () => {
              const answer = await api.request<{ action: Action }>('DELETE', `/servers/${id}`);
              await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label });
            });
          }
          return changes.result(`${label} is already absent`, { hcloud_server: null });
        }
        if (args.id !== undefined && !server) throw new ModuleFailure(`server with id ${args.id} not found`);
        let rootPassword: string | undefined;
        if (!server) {
          const created = await createServer(api, args, state, changes);
          server = created.server;
          rootPassword = created.rootPassword;
        } else {
          server = await updateServer(api, ctx, args, server, changes);
          server = await applyPowerState(api, ctx, args, server, state, changes);
        }
        const result: Record<string, unknown> = {};
        if (server) {
          if (changes.changed && !changes.check) server = (await getById<Server>(api, SERVERS, server.id)) ?? server;
          result['hcloud_server'] = serverResult(server, await api.networkNames(server.private_net.map((n) => n.network)));
        } else {
          result['hcloud_server'] = null;
        }
        if (rootPassword) result['root_password'] = rootPassword;
        return changes.result(`${label} is already ${state === 'present' ? 'present' : state}`, result);
      }),
  }),
  // Names only for the destructive states; a server given by id is checked when it has been read.
  (args) => (DESTRUCTIVE_STATES.has(args.state ?? 'present') || (args.force === true && args.server_type !== undefined) ? [args.name] : []),
);

/** A reference that is all digits is sent as an ID, anything else as a name (the API takes both). */
function idOrName(value: string): string | number {
  return /^\d+$/.test(value) ? Number(value) : value;
}

async function createServer(api: HcloudSession, args: HcloudServerArgs, state: string, changes: Changes): Promise<{ server: Server | undefined; rootPassword?: string }> {
  const missing = (['name', 'server_type', 'image'] as const).filter((k) => args[k] === undefined);
  if (missing.length > 0) throw new ModuleFailure(`missing required arguments to create a server: ${missing.join(', ')}`);
  const name = args.name!;
  if (changes.check) {
    // Check mode reads what a creation would need, so it fails where the creation would.
    await requireType(api, args.server_type!);
    await requireImage(api, args.image!);
  }
  const body: Record<string, unknown> = {
    name,
    server_type: idOrName(args.server_type!),
    image: idOrName(args.image!),
    public_net: { enable_ipv4: args.enable_ipv4 ?? true, enable_ipv6: args.enable_ipv6 ?? true },
  };
  if (args.location !== undefined) body['location'] = args.location;
  else if (args.datacenter !== undefined) body['datacenter'] = args.datacenter;
  if (args.labels !== undefined) body['labels'] = args.labels;
  if (args.user_data !== undefined) body['user_data'] = args.user_data;
  if (args.ssh_keys !== undefined) body['ssh_keys'] = args.ssh_keys.map(idOrName);
  if (args.volumes !== undefined) body['volumes'] = await Promise.all(args.volumes.map(async (v) => (await requireByNameOrId<Volume>(api, VOLUMES, v)).id));
  if (args.firewalls !== undefined) body['firewalls'] = await Promise.all(args.firewalls.map(async (f) => ({ firewall: (await requireByNameOrId<Firewall>(api, FIREWALLS, f)).id })));
  if (args.private_networks) body['networks'] = await Promise.all(args.private_networks.map(async (n) => (await requireByNameOrId<Network>(api, NETWORKS, n)).id));
  if (state === 'stopped' || state === 'created') body['start_after_create'] = false;

  let server: Server | undefined;
  let rootPassword: string | undefined;
  const what = `create server ${name} (${args.server_type}, ${args.image}${args.location ? `, ${args.location}` : ''})`;
  await changes.apply(what, async () => {
    const answer = await api.request<{ server: Server; action: Action; next_actions?: Action[]; root_password?: string | null }>('POST', '/servers', { body });
    if (answer.root_password) {
      processSecrets().redactor.add(answer.root_password);
      rootPassword = answer.root_password;
    }
    server = answer.server;
    await api.waitForActions([answer.action, ...(answer.next_actions ?? [])], { timeoutMs: WAIT.long, label: `server ${name}` });
  });
  if (server && (args.delete_protection !== undefined || args.rebuild_protection !== undefined)) {
    const id = server.id;
    await changes.apply(`set protection of server ${name}`, async () => {
      const answer = await api.request<{ action: Action }>('POST', `/servers/${id}/actions/change_protection`, { body: protectionBody(args) });
      await api.waitForActions([answer.action], { timeoutMs: WAIT.normal, label: `server ${name}` });
    });
  }
  return rootPassword === undefined ? { server } : { server, rootPassword };
}

function protectionBody(args: HcloudServerArgs): Record<string, boolean> {
  const body: Record<string, boolean> = {};
  if (args.delete_protection !== undefined) body['delete'] = args.delete_protection;
  if (args.rebuild_protection !== undefined) body['rebuild'] = args.rebuild_protection;
  return body;
}

async function requireType(api: HcloudSession, value: string): Promise<ServerType> {
  const byName = await api.list<ServerType>('/server_types', 'server_types', { name: value });
  if (byName[0]) return byName[0];
  if (/^\d+$/.test(value)) {
    const byId = await getById<ServerType>(api, { path: '/server_types', one: 'server_type', many: 'server_types', noun: 'server type' }, Number(value));
    if (byId) return byId;
  }
  throw new ModuleFailure(`server type ${JSON.stringify(value)} not found`);
}

async function requireImage(api: HcloudSession, value: string): Promise<Image> {
  const byName = await api.list<Image>('/images', 'images', { name: value, include_deprecated: true });
  if (byName[0]) return byName[0];
  if (/^\d+$/.test(value)) {
    const byId = await getById<Image>(api, { path: '/images', one: 'image', many: 'images', noun: 'image' }, Number(value));
    if (byId) return byId;
  }
  throw new ModuleFailure(`image ${JSON.stringify(value)} not found`);
}

/** One server action (`POST /servers/{id}/actions/<command>`), waited for. */
async function serverAction(api: HcloudSession, server: Server, command: string, body?: unknown, timeoutMs: number = WAIT.normal): Promise<Record<string, unknown>> {
  const answer = await api.request<{ action: Action } & Record<string, unknown>>('POST', `/servers/${server.id}/actions/${command}`, body === undefined ? {} : { body });
  await api.waitForActions([answer.action], { timeoutMs, label: `server ${server.name}` });
  return answer;
}

async function updateServer(api: HcloudSession, ctx: ModuleContext, args: HcloudServerArgs, server: Server, changes: Changes): Promise<Server> {
  let current = server;
  const update: Record<string, unknown> = {};
  if (args.name !== undefined && args.name !== current.name) update['name'] = args.name;
  if (args.labels !== undefined && !sameLabels(args.labels, current.labels)) update['labels'] = args.labels;
  if (Object.keys(update).length > 0) {
    const what = [update['name'] !== undefined ? `rename server ${current.name} to ${args.name}` : undefined, update['labels'] !== undefined ? `set labels of server ${args.name ?? current.name}` : undefined]
      .filter(Boolean)
      .join(', ');
    await changes.apply(what, async () => {
      const answer = await api.request<{ server: Server }>('PUT', `/servers/${current.id}`, { body: update });
      current = answer.server;
    });
  }

  if (args.firewalls !== undefined) {
    const wanted = await Promise.all(args.firewalls.map((f) => requireByNameOrId<Firewall>(api, FIREWALLS, f)));
    const currentIds = new Set((current.public_net.firewalls ?? []).map((f) => f.id));
    const wantedIds = new Set(wanted.map((f) => f.id));
    const target = [{ type: 'server', server: { id: current.id } }];
    for (const id of currentIds) {
      if (wantedIds.has(id)) continue;
      await changes.apply(`remove firewall ${id} from server ${current.name}`, async () => {
        const answer = await api.request<{ actions: Action[] }>('POST', `/firewalls/${id}/actions/remove_from_resources`, { body: { remove_from: target } });
        await api.waitForActions(answer.actions, { label: `server ${current.name}` });
      });
    }
    for (const firewall of wanted) {
      if (currentIds.has(firewall.id)) continue;
      await changes.apply(`apply firewall ${firewall.name} to server ${current.name}`, async () => {
        const answer = await api.request<{ actions: Action[] }>('POST', `/firewalls/${firewall.id}/actions/apply_to_resources`, { body: { apply_to: target } });
        await api.waitForActions(answer.actions, { label: `server ${current.name}` });
      });
    }
  }

  if (args.private_networks !== undefined && args.private_networks !== null) {
    const wanted = await Promise.all(args.private_networks.map((n) => requireByNameOrId<Network>(api, NETWORKS, n)));
    const currentIds = new Set(current.private_net.map((n) => n.network));
    const wantedIds = new Set(wanted.map((n) => n.id));
    for (const id of currentIds) {
      if (wantedIds.has(id)) continue;
      await changes.apply(`detach server ${current.name} from network ${id}`, () => serverAction(api, current, 'detach_from_network', { network: id }));
    }
    for (const network of wanted) {
      if (currentIds.has(network.id)) continue;
      await changes.apply(`attach server ${current.name} to network ${network.name}`, () => serverAction(api, current, 'attach_to_network', { network: network.id }));
    }
  }

  if (args.server_type !== undefined && !matchesNameOrId(current.server_type, args.server_type)) {
    if (RUNNING_OR_BOOTING.has(current.status) && !args.force) {
      changes.warn(`You can not upgrade a running instance ${current.name}. You need to stop the instance or use force=true.`);
    } else {
      if (current.status !== 'off') {
        refuseProtected(ctx, current.name, `power off server ${current.name} to change its type`);
        await changes.apply(`power off server ${current.name}`, () => serverAction(api, current, 'poweroff'));
        // A running server is started again below for state present/started, as the collection does.
        current = { ...current, status: 'off' };
      }
      await changes.apply(`change type of server ${current.name} to ${args.server_type}`, () =>
        serverAction(api, current, 'change_type', { server_type: idOrName(args.server_type!), upgrade_disk: args.upgrade_disk ?? false }, WAIT.long),
      );
    }
  }

  const protection = protectionBody(args);
  if ((protection['delete'] !== undefined && protection['delete'] !== current.protection.delete) || (protection['rebuild'] !== undefined && protection['rebuild'] !== current.protection.rebuild)) {
    await changes.apply(`set protection of server ${current.name}`, () => serverAction(api, current, 'change_protection', protection));
  }
  return current;
}

async function applyPowerState(api: HcloudSession, ctx: ModuleContext, args: HcloudServerArgs, server: Server, state: NonNullable<HcloudServerArgs['state']>, changes: Changes): Promise<Server> {
  const name = server.name;
  switch (state) {
    case 'present':
    case 'started':
      if (!RUNNING_OR_BOOTING.has(server.status)) await changes.apply(`power on server ${name}`, () => serverAction(api, server, 'poweron'));
      return server;
    case 'stopped':
      if (server.status !== 'off') {
        refuseProtected(ctx, name, `power off server ${name}`);
        await changes.apply(`power off server ${name}`, () => serverAction(api, server, 'poweroff'));
      }
      return server;
    case 'restarted':
      refuseProtected(ctx, name, `restart server ${name}`);
      if (server.status !== 'off') await changes.apply(`power off server ${name}`, () => serverAction(api, server, 'poweroff'));
      await changes.apply(`power on server ${name}`, () => serverAction(api, server, 'poweron'));
      return server;
    case 'rebuild': {
      if (args.image === undefined) throw new ModuleFailure('missing required arguments for state=rebuild: image');
      refuseProtected(ctx, name, `rebuild server ${name}`);
      if (changes.check) await requireImage(api, args.image);
      const body: Record<string, unknown> = { image: idOrName(args.image) };
      if (args.user_data !== undefined) body['user_data'] = args.user_data;
      await changes.apply(`rebuild server ${name} from ${args.image}`, async () => {
        const answer = await serverAction(api, server, 'rebuild', body, WAIT.long);
        if (typeof answer['root_password'] === 'string') processSecrets().redactor.add(answer['root_password']);
      });
      return server;
    }
    default:
      return server;
  }
}
