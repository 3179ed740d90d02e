// Firewall endpoints: list, get, create, update, delete, and set_rules, apply_to_resources, remove_from_resources.

import type { ActionRecord } from '../action-engine.js';
import type { SimCore } from '../core.js';
import { ApiError, invalidField, notFound, notUnique } from '../errors.js';
import { LabelSelectorError, parseLabelSelector } from '../label-selector.js';
import { listAnswer } from '../listing.js';
import { firewallJson } from '../render.js';
import type { RouteContext, RouteResult, Router } from '../router.js';
import type { FirewallRecord, FirewallRule, FirewallTarget } from '../store.js';
import { arr, labels, obj, pathId, resourceName, str } from '../validate.js';
import { registerResourceActionRoutes } from './actions.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'esp', 'gre']);
const PORT = /^(any|\d{1,5}(-\d{1,5})?)$/;

function getFirewall(core: SimCore, raw: string | undefined): FirewallRecord {
  const id = pathId(raw, 'firewall');
  const fw = core.store.firewalls.get(id);
  if (!fw) throw notFound('firewall', id);
  return fw;
}

function ips(entry: Record<string, unknown>, field: string): string[] {
  return (arr(entry, field) ?? []).map((ip) => {
    if (typeof ip !== 'string' || !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(ip)) throw invalidField(field, `invalid CIDR '${String(ip)}'`);
    return ip;
  });
}

/** Validate firewall rules as the API does. */
export function parseRules(list: unknown[]): FirewallRule[] {
  if (list.length > 50) throw invalidField('rules', 'at most 50 rules are allowed');
  return list.map((raw) => {
    if (typeof raw !== 'object' || raw === null) throw invalidField('rules', 'Not a valid object.');
    const entry = raw as Record<string, unknown>;
    const direction = str(entry, 'direction', true);
    if (direction !== 'in' && direction !== 'out') throw invalidField('direction', "must be 'in' or 'out'");
    const protocol = str(entry, 'protocol', true);
    if (!PROTOCOLS.has(protocol)) throw invalidField('protocol', `invalid protocol '${protocol}'`);
    const port = str(entry, 'port') ?? null;
    if (protocol === 'tcp' || protocol === 'udp') {
      if (port === null || !PORT.test(port)) throw invalidField('port', 'a port or port range is required for tcp and udp');
    } else if (port !== null) {
      throw invalidField('port', `no port is allowed for ${protocol}`);
    }
    const source = ips(entry, 'source_ips');
    const destination = ips(entry, 'destination_ips');
    if (direction === 'in' && source.length === 0) throw invalidField('source_ips', 'required for direction in');
    if (direction === 'out' && destination.length === 0) throw invalidField('destination_ips', 'required for direction out');
    const description = str(entry, 'description') ?? null;
    return {
      direction,
      protocol: protocol as FirewallRule['protocol'],
      port,
      source_ips: direction === 'in' ? source : [],
      destination_ips: direction === 'out' ? destination : [],
      description,
    };
  });
}

function parseTargets(core: SimCore, list: unknown[], notFoundStatus: number): FirewallTarget[] {
  return list.map((raw) => {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const type = str(entry, 'type', true);
    if (type === 'server') {
      const id = Number(obj(entry, 'server')?.['id']);
      const server = core.store.servers.get(id);
      if (!server) throw new ApiError('firewall_resource_not_found', `server with ID '${id}' not found`, null, notFoundStatus);
      if (!server.ipv4 && !server.ipv6) throw new ApiError('private_net_only_server', 'the server has no public interface', null, 422);
      return { type: 'server', serverId: id };
    }
    if (type === 'label_selector') {
      const selector = str(obj(entry, 'label_selector') ?? {}, 'selector', true);
      try {
        parseLabelSelector(selector);
      } catch (error) {
        if (error instanceof LabelSelectorError) throw invalidField('selector', error.message);
        throw error;
      }
      return { type: 'label_selector', selector };
    }
    throw invalidField('type', "must be 'server' or 'label_selector'");
  });
}

function sameTarget(a: FirewallTarget, b: FirewallTarget): boolean {
  if (a.type === 'server' && b.type === 'server') return a.serverId === b.serverId;
  if (a.type === 'label_selector' && b.type === 'label_selector') return a.selector === b.selector;
  return false;
}

/** Apply a firewall to targets; one `apply_firewall` action each. */
export function applyTargets(core: SimCore, fw: FirewallRecord, targets: FirewallTarget[]): ActionRecord[] {
  return targets.map((t) => {
    if (fw.appliedTo.some((x) => sameTarget(x, t))) {
      throw new ApiError('firewall_already_applied', 'firewall is already applied to the resource', null, 422);
    }
    fw.appliedTo.push(t);
    const resources: Array<{ id: number; type: 'firewall' | 'server' }> = [{ id: fw.id, type: 'firewall' }];
    if (t.type === 'server') {
      resources.push({ id: t.serverId, type: 'server' });
      fw.pending.add(t.serverId);
    }
    return core.startAction({
      command: 'apply_firewall',
      resources,
      locks: false,
      onSuccess: () => {
        if (t.type === 'server') fw.pending.delete(t.serverId);
      },
    });
  });
}

function actions(core: SimCore, list: ActionRecord[], status = 201): RouteResult {
  return { status, body: { actions: list.map((a) => core.engine.json(a)) } };
}

function firewallAction(core: SimCore, ctx: RouteContext): RouteResult {
  const fw = getFirewall(core, ctx.params['id']);
  const resources = [{ id: fw.id, type: 'firewall' as const }];
  switch (ctx.params['action']) {
    case 'set_rules': {
      const list = arr(ctx.body, 'rules');
      if (!list) throw invalidField('rules', 'Missing data for required field.');
      fw.rules = parseRules(list);
      return actions(core, [core.startAction({ command: 'set_firewall_rules', resources, locks: false })]);
    }
    case 'apply_to_resources': {
      const list = arr(ctx.body, 'apply_to');
      if (!list) throw invalidField('apply_to', 'Missing data for required field.');
      return actions(core, applyTargets(core, fw, parseTargets(core, list, 404)));
    }
    case 'remove_from_resources': {
      const list = arr(ctx.body, 'remove_from');
      if (!list) throw invalidField('remove_from', 'Missing data for required field.');
      const targets = parseTargets(core, list, 404);
      return actions(
        core,
        targets.map((t) => {
          fw.appliedTo = fw.appliedTo.filter((x) => !sameTarget(x, t));
          const res: Array<{ id: number; type: 'firewall' | 'server' }> = [...resources];
          if (t.type === 'server') {
            res.push({ id: t.serverId, type: 'server' });
            fw.pending.delete(t.serverId);
          }
          return core.startAction({ command: 'remove_firewall', resources: res, locks: false });
        }),
      );
    }
    default:
      throw new ApiError('not_found', 'not found', null);
  }
}

function assertNameFree(core: SimCore, name: string, except?: number): void {
  for (const f of core.store.firewalls.values()) {
    if (f.name === name && f.id !== except) throw notUnique('firewall name is already used', 'name');
  }
}

/** Create a firewall record (used by routes and seeds); returns it with its actions. */
export function addFirewall(
  core: SimCore,
  name: string,
  rules: unknown[],
  applyTo: unknown[],
  fwLabels: Record<string, string>,
  created: string,
): { firewall: FirewallRecord; actions: ActionRecord[] } {
  resourceName(name);
  assertNameFree(core, name);
  const parsedRules = parseRules(rules);
  const targets = parseTargets(core, applyTo, 422);
  const fw: FirewallRecord = {
    id: core.store.nextId('firewall'),
    name,
    labels: fwLabels,
    created,
    rules: parsedRules,
    appliedTo: [],
    pending: new Set(),
  };
  core.store.firewalls.set(fw.id, fw);
  const started: ActionRecord[] = [];
  if (parsedRules.length > 0) {
    started.push(core.startAction({ command: 'set_firewall_rules', resources: [{ id: fw.id, type: 'firewall' }], locks: false }));
  }
  started.push(...applyTargets(core, fw, targets));
  return { firewall: fw, actions: started };
}

/** Register every `/firewalls` route. */
export function registerFirewallRoutes(router: Router, core: SimCore): void {
  const { store } = core;
  registerResourceActionRoutes(router, core, 'firewalls', 'firewall', (id) => store.firewalls.has(id));
  router.on('GET', '/firewalls', (ctx) =>
    listAnswer(ctx, {
      key: 'firewalls',
      items: [...store.firewalls.values()],
      id: (f) => f.id,
      render: (f) => firewallJson(core, f),
      sortFields: { name: (f) => f.name, created: (f) => f.created },
      name: (f) => f.name,
      labels: (f) => f.labels,
    }),
  );
  router.on('POST', '/firewalls', (ctx) => {
    const { firewall, actions: started } = addFirewall(
      core,
      str(ctx.body, 'name', true),
      arr(ctx.body, 'rules') ?? [],
      arr(ctx.body, 'apply_to') ?? [],
      labels(ctx.body) ?? {},
      core.nowIso(),
    );
    return { status: 201, body: { firewall: firewallJson(core, firewall), actions: started.map((a) => core.engine.json(a)) } };
  });
  router.on('GET', '/firewalls/:id', (ctx) => ({ status: 200, body: { firewall: firewallJson(core, getFirewall(core, ctx.params['id'])) } }));
  router.on('PUT', '/firewalls/:id', (ctx) => {
    const fw = getFirewall(core, ctx.params['id']);
    const name = str(ctx.body, 'name');
    const newLabels = labels(ctx.body);
    if (name !== undefined) {
      resourceName(name);
      assertNameFree(core, name, fw.id);
      fw.name = name;
    }
    if (newLabels !== undefined) fw.labels = newLabels;
    return { status: 200, body: { firewall: firewallJson(core, fw) } };
  });
  router.on('DELETE', '/firewalls/:id', (ctx) => {
    const fw = getFirewall(core, ctx.params['id']);
    if (fw.appliedTo.length > 0) throw new ApiError('resource_in_use', 'firewall is still applied to a resource', null, 422);
    store.firewalls.delete(fw.id);
    return { status: 204 };
  });
  router.on('POST', '/firewalls/:id/actions/:action', (ctx) => firewallAction(core, ctx));
}
