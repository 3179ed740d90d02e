import { defineModule } from '@kbrun/core';
import type { Action, Firewall, FirewallRule } from '../client/api-types.js';
import { isHcloudError } from '../client/hcloud-error.js';
import { CONNECTION_PROPERTIES, FIREWALLS, LABELS_PROPERTY, ModuleFailure, WAIT, getById, getByIdOrName, runHcloud, sameLabels, type ConnectionArgs } from './module-support.js';
import { normalizeIp } from '../util/ip-address.js';
import { firewallResult, firewallRuleResult } from './result-shapes.js';

/** One rule as the module takes it. */
export interface FirewallRuleArgs {
  description?: string | null;
  direction: 'in' | 'out';
  protocol: 'icmp' | 'tcp' | 'udp' | 'esp' | 'gre';
  port?: string | null;
  source_ips?: string[];
  destination_ips?: string[];
}

/** Arguments of `hcloud_firewall`. */
export interface HcloudFirewallArgs extends ConnectionArgs {
  id?: number;
  name?: string;
  labels?: Record<string, string>;
  rules?: FirewallRuleArgs[];
  force?: boolean;
  state?: 'present' | 'absent';
}

/** `hcloud_firewall`: creates a firewall, sets its rules, renames, relabels and deletes it (hetzner.hcloud.firewall). */
export const hcloudFirewall = defineModule<HcloudFirewallArgs>({
  name: 'hcloud_firewall',
  description:
    'Creates a firewall, sets its rules (exactly the list given, compared with IPs in canonical form), renames (id + name), relabels and deletes it; force=true removes it from its resources before deleting (hetzner.hcloud.firewall).',
  check: 'full',
  destructive: true,
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer', description: 'ID of the firewall. With `name`, renames the firewall to `name`.' },
      name: { type: 'string', description: 'Name of the firewall (required for state=present).' },
      labels: LABELS_PROPERTY,
      rules: {
        type: 'array',
        description: 'The rules of the firewall; when given, exactly these, in this order.',
        items: {
          type: 'object',
          properties: {
            description: { type: ['string', 'null'], description: 'What the rule is for.' },
            direction: { type: 'string', enum: ['in', 'out'], description: 'Direction of the traffic.' },
            protocol: { type: 'string', enum: ['icmp', 'tcp', 'udp', 'esp', 'gre'], description: 'Protocol.' },
            port: { type: ['string', 'null'], description: 'Port or range (`80`, `1024-5000`); tcp and udp only.' },
            source_ips: { type: 'array', items: { type: 'string' }, default: [], description: 'Allowed sources (CIDR), for direction=in.' },
            destination_ips: { type: 'array', items: { type: 'string' }, default: [], description: 'Allowed destinations (CIDR), for direction=out.' },
          },
          required: ['direction', 'protocol'],
          additionalProperties: false,
        },
      },
      force: { type: 'boolean', default: false, description: 'Remove the firewall from its servers before deleting it.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present or absent.' },
      ...CONNECTION_PROPERTIES,
    },
    anyOf: [{ required: ['id'] }, { required: ['name'] }],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api, changes) => {
      let firewall = await getByIdOrName<Firewall>(api, FIREWALLS, args.id, args.name);
      const label = `firewall ${firewall?.name ?? args.name ?? args.id}`;
      if ((args.state ?? 'present') === 'absent') {
        if (firewall) {
          const current = firewall;
          const inUse = current.applied_to.length > 0;
          if (inUse) {
            if (args.force) {
              await changes.apply(`remove ${label} from ${current.applied_to.length} resource(s)`, async () => {
                const removeFrom = current.applied_to.map((r) => (r.type === 'server' ? { type: 'server', server: { id: r.server!.id } } : { type: 'label_selector', label_selector: r.label_selector }));
                const answer = await api.request<{ actions: Action[] }>('POST', `/firewalls/${current.id}/actions/remove_from_resources`, { body: { remove_from: removeFrom } });
                await api.waitForActions(answer.actions, { timeoutMs: WAIT.normal, label });
              });
            } else {
              changes.warn(`Firewall ${current.name} is currently used by other resources. You need to unassign the resources before deleting the Firewall or use force=true.`);
            }
          }
          const remove = () => api.request('DELETE', `/firewalls/${current.id}`);
          // Right after removal from its resources the API may still see it in use for a moment.
          await changes.apply(`delete ${label}`, () => (inUse && args.force ? deleteWhenFree(remove, ctx.sleep) : remove()));
        }
        return changes.result(`${label} is already absent`, { hcloud_firewall: null });
      }
      if (args.name === undefined) throw new ModuleFailure('state is present but all of the following are missing: name');
      const wantedRules = args.rules?.map(normalizeRule);
      if (!firewall) {
        const body: Record<string, unknown> = { name: args.name };
        if (args.labels !== undefined) body['labels'] = args.labels;
        if (wantedRules !== undefined) body['rules'] = wantedRules.map(ruleRequest);
        await changes.apply(`create firewall ${args.name}${wantedRules ? ` with ${wantedRules.length} rule(s)` : ''}`, async () => {
          const answer = await api.request<{ firewall: Firewall; actions?: Action[] }>('POST', '/firewalls', { body });
          firewall = answer.firewall;
          await api.waitForActions(answer.actions ?? [], { timeoutMs: WAIT.normal, label: `firewall ${args.name}` });
        });
      } else {
        const current = firewall;
        const update: Record<string, unknown> = {};
        if (args.name !== current.name) update['name'] = args.name;
        if (args.labels !== undefined && !sameLabels(args.labels, current.labels)) update['labels'] = args.labels;
        if (Object.keys(update).length > 0) {
          await changes.apply(`update ${label} (${Object.keys(update).join(', ')})`, async () => {
            firewall = (await api.request<{ firewall: Firewall }>('PUT', `/firewalls/${current.id}`, { body: update })).firewall;
          });
        }
        if (wantedRules !== undefined && !sameRules(wantedRules, current.rules)) {
          await changes.apply(`set the ${wantedRules.length} rule(s) of ${label}`, async () => {
            const answer = await api.request<{ actions: Action[] }>('POST', `/firewalls/${current.id}/actions/set_rules`, { body: { rules: wantedRules.map(ruleRequest) } });
            await api.waitForActions(answer.actions, { timeoutMs: WAIT.normal, label });
          });
        }
      }
      if (firewall && changes.changed && !changes.check) firewall = (await getById<Firewall>(api, FIREWALLS, firewall.id)) ?? firewall;
      return changes.result(`${label} is already present`, { hcloud_firewall: firewall ? firewallResult(firewall) : null });
    }),
});

/** A rule with defaults filled and IPs in canonical form, as the result shows rules. */
function normalizeRule(rule: FirewallRuleArgs): FirewallRule {
  return {
    direction: rule.direction,
    protocol: rule.protocol,
    port: rule.port === undefined || rule.port === null ? null : String(rule.port),
    source_ips: (rule.source_ips ?? []).map(normalizeIp),
    destination_ips: (rule.destination_ips ?? []).map(normalizeIp),
    description: rule.description ?? null,
  };
}

function ruleRequest(rule: FirewallRule): Record<string, unknown> {
  const body: Record<string, unknown> = { direction: rule.direction, protocol: rule.protocol, source_ips: rule.source_ips, destination_ips: rule.destination_ips };
  if (rule.port !== null) body['port'] = rule.port;
  if (rule.description !== null) body['description'] = rule.description;
  return body;
}

function sameRules(wanted: FirewallRule[], current: FirewallRule[]): boolean {
  const have = current.map((r) => firewallRuleResult({ ...r, source_ips: (r.source_ips ?? []).map(normalizeIp), destination_ips: (r.destination_ips ?? []).map(normalizeIp) }));
  return JSON.stringify(wanted.map(firewallRuleResult)) === JSON.stringify(have);
}

/** Deletes, retrying while the API still sees the firewall in use (removal from resources settles shortly after its actions). */
async function deleteWhenFree(remove: () => Promise<unknown>, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await remove();
      return;
    } catch (error) {
      if (attempt >= 10 || !isHcloudError(error) || !/still in use/i.test(error.apiMessage)) throw error;
      await sleep(500 * attempt);
    }
  }
}
