// The runbook's step 5 (inventory vs rebuild order coherence) plus TSV sanity, as a list of checks.

import { parse } from 'yaml';
import {
  BASTION_GROUP,
  BASTION_HOSTNAMES,
  bastionRows,
  checkServersTsv,
  familyOfRole,
  formatTsvError,
  mountpointOf,
  rebuildableRows,
  ROLE_FAMILIES,
  volumeNameOf,
  type ServerRow,
} from '@kbrun/fleet-data';
import { generateInventory } from './generate-inventory.js';
import { generateRebuildOrder, type RebuildOrder } from './rebuild-order.js';
import { FLEET_EXPECTATIONS, FLEET_SSH_KEY } from './runbook.js';
import { generateVolumePlan } from './volume-plan.js';

/** One verification and its outcome. */
export interface FleetCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Every check, and whether all passed. */
export interface FleetReport {
  ok: boolean;
  checks: FleetCheck[];
}

/** What `verifyFleet` reads: the texts of the files (or already-parsed JSON), and their names for messages. */
export interface FleetFilesInput {
  /** Text of `servers/servers_v3.tsv`. */
  tsv: string;
  /** Text of `inventory/hosts.yml`. */
  inventory: string;
  /** Text (or parsed JSON) of `servers/rebuild_order_v3.json`. */
  rebuildOrder: string | unknown;
  /** Text (or parsed JSON) of `servers/volume_plan_v3.json`; checked when given. */
  volumePlan?: string | unknown;
  /** File names for messages; defaults are the project-relative paths. */
  files?: { tsv?: string; inventory?: string; rebuildOrder?: string; volumePlan?: string };
  /** Expected figures; default the runbook's (49, 47, 10, 21, 2,800 GB). */
  expect?: Partial<typeof FLEET_EXPECTATIONS>;
}

interface InventoryHostFacts {
  group: string;
  vars: Record<string, unknown>;
}

interface InventoryFacts {
  hosts: Map<string, InventoryHostFacts[]>;
  groups: Set<string>;
  allVars: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;
const list = (items: readonly string[], max = 8): string => (items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`);

function readInventory(text: string): InventoryFacts {
  const root: unknown = parse(text);
  const facts: InventoryFacts = { hosts: new Map(), groups: new Set(), allVars: {} };
  if (!isObject(root)) throw new Error('not a YAML mapping of groups');
  const walk = (name: string, body: unknown): void => {
    if (name !== 'all' && name !== 'ungrouped') facts.groups.add(name);
    if (!isObject(body)) return;
    if (isObject(body['hosts'])) {
      for (const [host, vars] of Object.entries(body['hosts'])) {
        facts.hosts.set(host, [...(facts.hosts.get(host) ?? []), { group: name, vars: isObject(vars) ? vars : {} }]);
      }
    }
    if (isObject(body['children'])) for (const [child, sub] of Object.entries(body['children'])) walk(child, sub);
  };
  for (const [name, body] of Object.entries(root)) {
    if (name === 'all' && isObject(body) && isObject(body['vars'])) facts.allVars = body['vars'];
    walk(name, body);
  }
  return facts;
}

function readJson(value: unknown, file: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Lines of a JSON text where `"hostname": "<name>"` appears. */
function hostnameLines(text: string | undefined, name: string): number[] {
  if (text === undefined) return [];
  const needle = `"hostname": ${JSON.stringify(name)}`;
  return text.split('\n').flatMap((line, i) => (line.includes(needle) ? [i + 1] : []));
}

/**
 * Verifies the fleet files against each other and the runbook: TSV sanity (columns, duplicates, IPs,
 * 49 `prod` rows, the two bastions), the inventory (49 hosts with `ansible_host`, 21 groups, the SSH key,
 * matching the TSV and up to date), the rebuild order (47 servers, 10 batches of 5…5,2, k8s masters
 * first, bastions excluded and never listed, valid volumes, up to date) and the volume plan when given.
 */
export function verifyFleet(input: FleetFilesInput): FleetReport {
  const expect = { ...FLEET_EXPECTATIONS, ...input.expect };
  const files = {
    tsv: input.files?.tsv ?? 'servers/servers_v3.tsv',
    inventory: input.files?.inventory ?? 'inventory/hosts.yml',
    rebuildOrder: input.files?.rebuildOrder ?? 'servers/rebuild_order_v3.json',
    volumePlan: input.files?.volumePlan ?? 'servers/volume_plan_v3.json',
  };
  const checks: FleetCheck[] = [];
  const check = (name: string, ok: boolean, detail: string): void => {
    checks.push({ name, ok, detail });
  };
  const guarded = (name: string, fn: () => [boolean, string]): void => {
    try {
      const [ok, detail] = fn();
      check(name, ok, detail);
    } catch (error) {
      check(name, false, error instanceof Error ? error.message : String(error));
    }
  };

  // --- servers_v3.tsv
  const tsvName = baseName(files.tsv);
  const parsed = checkServersTsv(input.tsv, files.tsv);
  const rows: ServerRow[] | undefined = parsed.errors.length === 0 ? parsed.rows : undefined;
  check('tsv: parses (14 columns, no duplicate host or IP, valid IPs, known ENV and ROLE_V3)', rows !== undefined, rows ? `${parsed.rows.length} rows, no errors` : parsed.errors.map(formatTsvError).join('\n'));
  const newlines = (input.tsv.match(/\n/g) ?? []).length;
  check(`tsv: 1 header + ${expect.totalServers} rows (wc -l = ${expect.totalServers + 1})`, newlines === expect.totalServers + 1, `wc -l gives ${newlines}`);
  const prodLines = input.tsv.split('\n').filter((l) => l.startsWith('prod')).length;
  check(`tsv: ${expect.totalServers} rows with ENV prod (grep -c ^prod)`, prodLines === expect.totalServers, `grep -c ^prod gives ${prodLines}`);
  const bastions = rows ? bastionRows(rows).map((r) => r.hostname).sort() : [];
  check(
    `tsv: the bastions are ${BASTION_HOSTNAMES.join(' and ')}`,
    rows !== undefined && bastions.join(',') === [...BASTION_HOSTNAMES].sort().join(','),
    rows ? `ROLE_V3 bastion: ${bastions.join(', ') || 'none'}` : 'not checked: the TSV has errors',
  );
  const rebuildable = rows ? rebuildableRows(rows) : undefined;

  // --- inventory/hosts.yml
  let inventory: InventoryFacts | undefined;
  try {
    inventory = readInventory(input.inventory);
    check(`inventory: ${baseName(files.inventory)} parses`, true, `${inventory.hosts.size} hosts, ${inventory.groups.size} groups`);
  } catch (error) {
    check(`inventory: ${baseName(files.inventory)} parses`, false, error instanceof Error ? error.message : String(error));
  }
  if (inventory) {
    const inv = inventory;
    const hostLines = (input.inventory.match(/^\s*ansible_host:/gm) ?? []).length;
    const withHost = [...inv.hosts.entries()].filter(([, defs]) => defs.some((d) => typeof d.vars['ansible_host'] === 'string')).length;
    check(`inventory: ${expect.totalServers} servers with ansible_host`, withHost === expect.totalServers && hostLines === expect.totalServers, `${withHost} hosts have ansible_host; grep -c ansible_host: gives ${hostLines}`);
    const expectedGroups = [...ROLE_FAMILIES.map((f) => f.group), BASTION_GROUP].sort();
    const groups = [...inv.groups].sort();
    const missing = expectedGroups.filter((g) => !inv.groups.has(g));
    const extra = groups.filter((g) => !expectedGroups.includes(g));
    check(
      `inventory: ${expect.inventoryGroups} groups (20 volume-role families + ${BASTION_GROUP})`,
      groups.length === expect.inventoryGroups && missing.length === 0 && extra.length === 0,
      `${groups.length} groups${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unexpected ${extra.join(', ')}` : ''}`,
    );
    const key = inv.allVars['ansible_ssh_private_key_file'];
    check(`inventory: SSH key ${FLEET_SSH_KEY}`, key === FLEET_SSH_KEY, `all.vars.ansible_ssh_private_key_file is ${JSON.stringify(key)}`);
    const bastionGroup = [...inv.hosts.entries()].filter(([, defs]) => defs.some((d) => d.group === BASTION_GROUP)).map(([h]) => h).sort();
    check(`inventory: ${BASTION_GROUP} holds ${BASTION_HOSTNAMES.join(' and ')}`, bastionGroup.join(',') === [...BASTION_HOSTNAMES].sort().join(','), `${BASTION_GROUP}: ${bastionGroup.join(', ') || 'none'}`);
    if (rows) {
      const problems: string[] = [];
      for (const row of rows) {
        const defs = inv.hosts.get(row.hostname);
        if (!defs) problems.push(`${row.hostname} (${tsvName}:${row.line}) is missing`);
        else if (defs.length > 1) problems.push(`${row.hostname} is in ${defs.length} groups`);
        else if (defs[0]!.vars['ansible_host'] !== row.ipPrivate) problems.push(`${row.hostname}: ansible_host ${String(defs[0]!.vars['ansible_host'])}, TSV IP_PRIVEE ${row.ipPrivate}`);
        else if (defs[0]!.vars['ansible_user'] !== row.userSsh) problems.push(`${row.hostname}: ansible_user ${String(defs[0]!.vars['ansible_user'])}, TSV USER_SSH ${row.userSsh}`);
      }
      const known = new Set(rows.map((r) => r.hostname));
      for (const host of inv.hosts.keys()) if (!known.has(host)) problems.push(`${host} is not in ${tsvName}`);
      check('inventory: same hosts as the TSV, ansible_host = IP_PRIVEE, ansible_user = USER_SSH', problems.length === 0, problems.length ? list(problems) : `${rows.length} hosts match`);
      const fresh = generateInventory(rows, { source: files.tsv });
      check('inventory: up to date (regenerating gives the same bytes)', fresh === input.inventory, fresh === input.inventory ? 'identical' : 'differs from a fresh generation: run `kbrun inventory generate`');
    }
  }

  // --- rebuild_order_v3.json
  const orderName = baseName(files.rebuildOrder);
  let order: RebuildOrder | undefined;
  try {
    const data = readJson(input.rebuildOrder, orderName);
    if (!isObject(data) || !isObject(data['metadata']) || !Array.isArray(data['servers']) || !Array.isArray(data['batches'])) {
      throw new Error(`${orderName} must be an object with metadata, servers and batches`);
    }
    order = data as unknown as RebuildOrder;
    check(`rebuild order: ${orderName} parses`, true, `${order.servers.length} servers, ${order.batches.length} batches`);
  } catch (error) {
    check(`rebuild order: ${orderName} parses`, false, error instanceof Error ? error.message : String(error));
  }
  if (order) {
    const o = order;
    const orderText = typeof input.rebuildOrder === 'string' ? input.rebuildOrder : undefined;
    const batchHosts = o.batches.flatMap((b) => (Array.isArray(b?.servers) ? b.servers.map((s) => s?.hostname) : []));
    guarded(`rebuild order: ${expect.rebuildServers} servers to rebuild`, () => [
      o.metadata.total_servers === expect.rebuildServers && o.servers.length === expect.rebuildServers && batchHosts.length === expect.rebuildServers,
      `metadata.total_servers ${o.metadata.total_servers}, servers ${o.servers.length}, in batches ${batchHosts.length}`,
    ]);
    guarded(`rebuild order: ${expect.totalBatches} batches of ${o.metadata.batch_size} (the last one shorter)`, () => {
      const sizes = o.batches.map((b) => b.servers.length);
      const size = o.metadata.batch_size;
      const shapeOk = sizes.every((n, i) => (i < sizes.length - 1 ? n === size : n >= 1 && n <= size));
      const numbered = o.batches.every((b, i) => b.batch === i + 1 && b.count === b.servers.length);
      return [o.metadata.total_batches === expect.totalBatches && o.batches.length === expect.totalBatches && shapeOk && numbered, `metadata.total_batches ${o.metadata.total_batches}; batch sizes ${sizes.join(',')}${numbered ? '' : '; batch numbers or counts inconsistent'}`];
    });
    guarded('rebuild order: batch 1 starts with the k8s masters', () => {
      const first = (o.batches[0]?.servers ?? []).map((s) => s.hostname);
      const masters = rebuildable
        ? rebuildable.filter((r) => r.roleV3 === 'k8s-master').map((r) => r.hostname).sort()
        : o.servers.filter((s) => s.role_v3 === 'k8s-master').map((s) => s.hostname).sort();
      return [masters.length > 0 && first.slice(0, masters.length).join(',') === masters.join(','), `batch 1: ${first.join(', ')}`];
    });
    guarded('rebuild order: bastions excluded and never listed for rebuild', () => {
      const excluded = Array.isArray(o.metadata.excluded_servers) ? [...o.metadata.excluded_servers] : [];
      const problems: string[] = [];
      if (excluded.slice().sort().join(',') !== [...BASTION_HOSTNAMES].sort().join(',')) problems.push(`metadata.excluded_servers is ${JSON.stringify(excluded)}, expected ${JSON.stringify(BASTION_HOSTNAMES)}`);
      const forbidden = new Set([...BASTION_HOSTNAMES, ...excluded, ...bastions]);
      const listed = (where: string, names: unknown[]): void => {
        names.forEach((name, i) => {
          if (typeof name === 'string' && forbidden.has(name)) {
            const lines = hostnameLines(orderText, name);
            problems.push(`${lines.length ? `${orderName}:${lines.join(',')}: ` : ''}${name} is a bastion (protected) but is listed for rebuild in ${where}[${i}]`);
          }
        });
      };
      listed('servers', o.servers.map((s) => s?.hostname));
      o.batches.forEach((b, i) => listed(`batches[${i}].servers`, Array.isArray(b?.servers) ? b.servers.map((s) => s?.hostname) : []));
      return [problems.length === 0, problems.length ? problems.join('\n') : `excluded: ${excluded.join(', ')}; none listed`];
    });
    guarded('rebuild order: every rebuildable server exactly once, servers = batches', () => {
      const problems: string[] = [];
      const flat = o.servers.map((s) => s.hostname);
      if (flat.join(',') !== batchHosts.join(',')) problems.push('servers is not the batches in order');
      const counts = new Map<string, number>();
      for (const h of batchHosts) counts.set(h, (counts.get(h) ?? 0) + 1);
      const twice = [...counts].filter(([, n]) => n > 1).map(([h]) => h);
      if (twice.length) problems.push(`listed more than once: ${list(twice)}`);
      o.batches.forEach((b, i) => b.servers.forEach((s) => s.batch !== i + 1 && problems.push(`${s.hostname}: batch ${s.batch} inside batch ${i + 1}`)));
      if (rebuildable) {
        const byHost = new Map(rebuildable.map((r) => [r.hostname, r]));
        const absent = rebuildable.filter((r) => !counts.has(r.hostname)).map((r) => `${r.hostname} (${tsvName}:${r.line})`);
        if (absent.length) problems.push(`missing: ${list(absent)}`);
        const unknown = [...counts.keys()].filter((h) => !byHost.has(h) && !BASTION_HOSTNAMES.includes(h));
        if (unknown.length) problems.push(`not rebuildable servers of the TSV: ${list(unknown)}`);
        for (const s of o.servers) {
          const r = byHost.get(s.hostname);
          if (r && (s.ip_private !== r.ipPrivate || s.ip_public !== r.ipPublic || s.role_v3 !== r.roleV3)) problems.push(`${s.hostname}: IPs or role differ from ${tsvName}:${r.line}`);
        }
      }
      return [problems.length === 0, problems.length ? problems.join('; ') : `${counts.size} distinct servers`];
    });
    guarded('rebuild order: valid volumes (kbv3-<hostname>-data, size by role, /data/<role>)', () => {
      const problems: string[] = [];
      for (const s of o.servers) {
        const family = familyOfRole(s.role_v3);
        const v = s.volume;
        if (!family) problems.push(`${s.hostname}: unknown role_v3 ${s.role_v3}`);
        else if (!isObject(v)) problems.push(`${s.hostname}: no volume`);
        else {
          if (v.name !== volumeNameOf(s.hostname)) problems.push(`${s.hostname}: volume name ${String(v.name)}, expected ${volumeNameOf(s.hostname)}`);
          if (v.size !== family.sizeGb) problems.push(`${s.hostname}: size ${String(v.size)} GB, expected ${family.sizeGb} GB for ${family.family}`);
          if (v.mountpoint !== mountpointOf(family)) problems.push(`${s.hostname}: mountpoint ${String(v.mountpoint)}, expected ${mountpointOf(family)}`);
        }
      }
      const total = o.servers.reduce((sum, s) => sum + (isObject(s.volume) && typeof s.volume.size === 'number' ? s.volume.size : 0), 0);
      if (total !== expect.totalVolumeGb) problems.push(`total ${total} GB, expected ${expect.totalVolumeGb} GB`);
      return [problems.length === 0, problems.length ? list(problems) : `${o.servers.length} volumes, ${total.toLocaleString('en-US')} GB`];
    });
    if (rows) {
      guarded('rebuild order: up to date (regenerating gives the same content)', () => {
        const fresh = JSON.stringify(generateRebuildOrder(rows, { source: files.tsv }));
        const same = fresh === JSON.stringify(o);
        return [same, same ? 'identical' : 'differs from a fresh generation: run `kbrun inventory generate`'];
      });
    }
  }

  // --- volume_plan_v3.json
  if (input.volumePlan !== undefined) {
    guarded(`volume plan: ${expect.rebuildServers} volumes, ${expect.totalVolumeGb.toLocaleString('en-US')} GB`, () => {
      const plan = readJson(input.volumePlan, baseName(files.volumePlan)) as { volumes?: { size?: unknown }[]; metadata?: { total_size_gb?: unknown } };
      const volumes = Array.isArray(plan?.volumes) ? plan.volumes : [];
      const total = volumes.reduce((s, v) => s + (typeof v?.size === 'number' ? v.size : 0), 0);
      return [volumes.length === expect.rebuildServers && total === expect.totalVolumeGb && plan.metadata?.total_size_gb === total, `${volumes.length} volumes, ${total.toLocaleString('en-US')} GB (metadata says ${String(plan.metadata?.total_size_gb)})`];
    });
    if (rows) {
      guarded('volume plan: up to date (regenerating gives the same content)', () => {
        const plan = readJson(input.volumePlan, baseName(files.volumePlan));
        const same = JSON.stringify(generateVolumePlan(rows, { source: files.tsv })) === JSON.stringify(plan);
        return [same, same ? 'identical' : 'differs from a fresh generation: run `kbrun inventory generate`'];
      });
    }
  }

  return { ok: checks.every((c) => c.ok), checks };
}

/** The report as text: one `✓`/`✗` line per check (details indented under failures) and the runbook's final line. */
export function renderFleetReport(report: FleetReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${c.ok ? '✓' : '✗'} ${c.name}${c.ok ? ` — ${c.detail}` : ''}`);
    if (!c.ok) for (const d of c.detail.split('\n')) lines.push(`    ${d}`);
  }
  const failed = report.checks.filter((c) => !c.ok).length;
  lines.push(report.ok ? '✓✓✓ ALL VERIFICATIONS PASSED ✓✓✓' : `✗ ${failed} of ${report.checks.length} verifications failed`);
  return `${lines.join('\n')}\n`;
}
