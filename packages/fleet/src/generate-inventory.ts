// inventory/hosts.yml from the TSV rows: Ansible's YAML inventory, byte-for-byte deterministic.

import { stringify } from 'yaml';
import { BASTION_GROUP, BASTION_ROLE, familyOfRole, mountpointOf, volumeNameOf, type ServerRow } from '@kbrun/fleet-data';
import { FLEET_SSH_KEY } from './runbook.js';

/** Options of `generateInventory`. */
export interface GenerateInventoryOptions {
  /** The TSV the rows come from, named in the header comment; default `servers/servers_v3.tsv`. */
  source?: string;
}

/** The inventory group of a row: its volume-role family's group, or `bastions`. */
export function inventoryGroupOf(row: ServerRow): string {
  if (row.roleV3 === BASTION_ROLE) return BASTION_GROUP;
  const family = familyOfRole(row.roleV3);
  if (!family) throw new Error(`no volume-role family for ROLE_V3 '${row.roleV3}' (line ${row.line})`);
  return family.group;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hostVars(row: ServerRow): Record<string, unknown> {
  const vars: Record<string, unknown> = {
    ansible_host: row.ipPrivate,
    ansible_user: row.userSsh,
    ip_public: row.ipPublic,
    fqdn: row.fqdn,
    role_v3: row.roleV3,
    logical_name: row.logicalNameV3,
    pool: row.pool,
  };
  const family = familyOfRole(row.roleV3);
  if (family) {
    vars['volume_name'] = volumeNameOf(row.hostname);
    vars['volume_size'] = family.sizeGb;
    vars['volume_mountpoint'] = mountpointOf(family);
  }
  return vars;
}

/** The YAML text of `inventory/hosts.yml`: private IPs as `ansible_host`, the fleet SSH key, one group per volume-role family plus `bastions`, groups and hosts sorted. */
export function generateInventory(rows: readonly ServerRow[], options: GenerateInventoryOptions = {}): string {
  const source = options.source ?? 'servers/servers_v3.tsv';
  const groups = new Map<string, ServerRow[]>();
  for (const row of rows) {
    const group = inventoryGroupOf(row);
    groups.set(group, [...(groups.get(group) ?? []), row]);
  }
  const children: Record<string, unknown> = {};
  for (const name of [...groups.keys()].sort(byCodePoint)) {
    const hosts: Record<string, unknown> = {};
    for (const row of [...groups.get(name)!].sort((a, b) => byCodePoint(a.hostname, b.hostname))) hosts[row.hostname] = hostVars(row);
    children[name] = { hosts };
  }
  const document = { all: { vars: { ansible_ssh_private_key_file: FLEET_SSH_KEY }, children } };
  const header = [
    `# inventory/hosts.yml: GENERATED from ${source} by \`kbrun inventory generate\` (@kbrun/fleet). Do not edit by hand:`,
    '# edit the TSV and regenerate; `kbrun verify` checks that this file matches it.',
    `# ${rows.length} hosts in ${groups.size} groups (one per volume-role family of the v3 volume plan, plus ${BASTION_GROUP}).`,
    '# ansible_host is the private IP (IP_PRIVEE); ip_public is IP_PUBLIQUE.',
  ];
  return `${header.join('\n')}\n${stringify(document, { lineWidth: 0, indent: 2 })}`;
}
