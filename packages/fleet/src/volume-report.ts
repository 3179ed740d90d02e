// The PH3-01 Markdown report of the volume plan, the existing volumes and their diff (seed 001's structure).

import type { ExistingVolume } from './existing-volumes.js';
import { ROLE_FAMILIES } from '@kbrun/fleet-data';
import { FLEET_EXPECTATIONS } from './runbook.js';
import type { VolumeDiff } from './volume-diff.js';
import type { VolumePlan } from './volume-plan.js';

/** Options of `volumeReportMarkdown`. */
export interface VolumeReportOptions {
  /** Date line of the report (ISO text); omitted when not given, so the report is deterministic. */
  generatedAt?: string;
}

const gb = (n: number): string => n.toLocaleString('en-US');
const cell = (v: unknown): string => String(v ?? '-').replace(/\|/g, '\\|');
const table = (head: string[], rows: unknown[][]): string[] => [
  `| ${head.join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
];
const mark = (ok: boolean): string => (ok ? '✅' : '❌');

/** The Markdown report: summary, target plan (role → size, every volume), existing volumes, the diff and the validation. */
export function volumeReportMarkdown(plan: VolumePlan, existing: readonly ExistingVolume[], diff: VolumeDiff, options: VolumeReportOptions = {}): string {
  const attached = existing.filter((v) => v.server !== null).length;
  const zones = [...new Set(existing.map((v) => v.location))].sort();
  const totalGb = plan.volumes.reduce((s, v) => s + v.size, 0);
  const names = plan.volumes.map((v) => v.volume_name);
  const checks: [boolean, string][] = [
    [plan.volumes.length === FLEET_EXPECTATIONS.rebuildServers, `${plan.volumes.length} rebuildable servers (expected ${FLEET_EXPECTATIONS.rebuildServers})`],
    [plan.volumes.every((v) => v.volume_name === `kbv3-${v.hostname}-data` && v.size > 0 && v.mountpoint.startsWith('/data/')), 'every target volume has a kbv3-<hostname>-data name, a size and a /data/<role> mount point'],
    [new Set(names).size === names.length, 'target volume names are unique'],
    [totalGb === FLEET_EXPECTATIONS.totalVolumeGb, `total target size ${gb(totalGb)} GB (expected ${gb(FLEET_EXPECTATIONS.totalVolumeGb)} GB)`],
    [diff.volumes_to_create.length + diff.volumes_ok.length === plan.volumes.length, 'every target volume is either ok or to be created'],
    [diff.volumes_ok.length + diff.volumes_to_delete.length + diff.volumes_ignored.length === existing.length, 'every existing volume is ok, to delete or ignored'],
  ];
  const out: string[] = [
    '# PH3-01 – Volume Plan v3 Report',
    '',
    ...(options.generatedAt ? [`**Generated:** ${options.generatedAt}  `] : []),
    `**Source:** \`${plan.metadata.generated_from}\`  `,
    `**Status:** ${checks.every(([ok]) => ok) ? '✅ Plan generated - ready for PH3-02' : '❌ Plan has problems (see Validation)'}`,
    '',
    '## Summary',
    '',
    `- **Rebuildable servers:** ${plan.volumes.length}`,
    `- **Target volumes to create:** ${diff.volumes_to_create.length}`,
    `- **Existing volumes:** ${existing.length}`,
    `- **Volumes to delete:** ${diff.volumes_to_delete.length} (Option A - Destroy & Recreate All)`,
    `- **Volumes already ok:** ${diff.volumes_ok.length}`,
    ...(diff.volumes_ignored.length > 0 ? [`- **Volumes left alone:** ${diff.volumes_ignored.length}`] : []),
    `- **Total size of target volumes:** ${gb(totalGb)} GB (${(totalGb / 1000).toFixed(1)} TB)`,
    '',
    '## Target volume plan',
    '',
    '### Naming convention',
    '',
    `- **Volume name:** \`${plan.metadata.naming}\``,
    `- **Mount point:** \`${plan.metadata.mountpoint_pattern}\``,
    `- **Filesystem:** ${plan.metadata.filesystem}`,
    '- **Size:** by role (table below)',
    '',
    '### Role → size',
    '',
    ...table(
      ['Role v3', 'Size (GB)', 'Servers'],
      ROLE_FAMILIES.map((f) => [f.family, f.sizeGb, plan.volumes.filter((v) => v.volume_role === f.family).map((v) => v.hostname).join(', ')]),
    ),
    '',
    '### Every rebuildable server',
    '',
    ...table(
      ['Hostname', 'Role v3', 'Private IP', 'Volume name', 'Size (GB)', 'Mountpoint'],
      plan.volumes.map((v) => [v.hostname, v.role_v3, v.ip_private, v.volume_name, v.size, v.mountpoint]),
    ),
    '',
    '## Existing volumes',
    '',
    `- **Total existing volumes:** ${existing.length}`,
    `- **Attached:** ${attached}`,
    `- **Detached:** ${existing.length - attached}`,
    `- **Zones:** ${zones.join(', ') || '-'}`,
    '',
    ...table(
      ['ID', 'Name', 'Size (GB)', 'Server', 'Zone'],
      [...existing].sort((a, b) => (a.id ?? 0) - (b.id ?? 0) || (a.name < b.name ? -1 : 1)).map((v) => [v.id ?? '-', v.name, v.size, v.server ?? '(detached)', v.location]),
    ),
    '',
    '## Diff: existing vs target volumes',
    '',
    '### Strategy: Option A - Destroy & Recreate All',
    '',
    'Every existing fleet volume is deleted and recreated with the v3 naming convention and the v3 sizes; data on the current volumes is lost.',
    '',
    ...table(
      ['Metric', 'Value'],
      [
        ['Existing volumes', existing.length],
        ['Target volumes', plan.volumes.length],
        ['Volumes to delete', diff.volumes_to_delete.length],
        ['Volumes to create', diff.volumes_to_create.length],
        ['Volumes OK', diff.volumes_ok.length],
        ['Volumes left alone', diff.volumes_ignored.length],
      ],
    ),
    '',
    `### Volumes to delete (${diff.volumes_to_delete.length})`,
    '',
    ...(diff.volumes_to_delete.length === 0 ? ['None.'] : table(['ID', 'Current name', 'Server', 'Reason'], diff.volumes_to_delete.map((v) => [v.id ?? '-', v.name, v.server ?? '(detached)', v.reason]))),
    '',
    `### Volumes to create (${diff.volumes_to_create.length})`,
    '',
    ...(diff.volumes_to_create.length === 0 ? ['None.'] : table(['Hostname', 'Volume name', 'Size (GB)', 'Mountpoint'], diff.volumes_to_create.map((v) => [v.hostname, v.volume_name, v.size, v.mountpoint]))),
    '',
    `### Volumes OK (${diff.volumes_ok.length})`,
    '',
    ...(diff.volumes_ok.length === 0 ? ['None.'] : table(['ID', 'Name', 'Server', 'Mountpoint'], diff.volumes_ok.map((v) => [v.id ?? '-', v.name, v.server, v.mountpoint]))),
    '',
    ...(diff.volumes_ignored.length === 0
      ? []
      : [`### Volumes left alone (${diff.volumes_ignored.length})`, '', ...table(['ID', 'Name', 'Server', 'Reason'], diff.volumes_ignored.map((v) => [v.id ?? '-', v.name, v.server ?? '(detached)', v.reason])), '']),
    '## Validation',
    '',
    ...checks.map(([ok, text]) => `- ${mark(ok)} ${text}`),
    '- ✅ No destructive action taken by this report',
    '',
  ];
  return out.join('\n');
}
