import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKbrunError, KbrunErrors } from '@kbrun/core';
import { parseServersTsv } from '@kbrun/fleet-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET_PATHS,
  fleetReportErrors,
  generateFleetFiles,
  generateRebuildOrder,
  jsonText,
  renderFleetFiles,
  renderFleetReport,
  verifyFleet,
  verifyFleetFiles,
  type FleetReport,
  type RebuildOrder,
} from '../src/index.js';
import { committed, lineOf, ROOT, TSV, withCell } from '../../fleet-data/test/helpers.js';

const inventory = committed('inventory/hosts.yml');
const rebuildOrder = committed('servers/rebuild_order_v3.json');
const volumePlan = committed('servers/volume_plan_v3.json');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kbrun-fleet-verify-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const failed = (report: FleetReport): string[] => report.checks.filter((c) => !c.ok).map((c) => c.name);
const detail = (report: FleetReport, name: RegExp): string => report.checks.find((c) => name.test(c.name))?.detail ?? '';

describe('verifyFleet', () => {
  it('passes on the committed files, with every check of the runbook step 5', () => {
    const report = verifyFleet({ tsv: TSV, inventory, rebuildOrder, volumePlan });
    expect(failed(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const names = report.checks.map((c) => c.name).join('\n');
    for (const check of ['49 servers with ansible_host', '47 servers to rebuild', '10 batches', '21 groups', 'valid volumes', 'bastions excluded', '2,800 GB', 'wc -l = 50']) expect(names).toContain(check);
    expect(renderFleetReport(report).trimEnd().split('\n').pop()).toBe('✓✓✓ ALL VERIFICATIONS PASSED ✓✓✓');
    expect(fleetReportErrors(report)).toBeUndefined();
  });

  it('the committed generated files equal a fresh generation', () => {
    const fresh = renderFleetFiles(TSV);
    expect(Object.keys(fresh).sort()).toEqual([FLEET_PATHS.inventory, FLEET_PATHS.rebuildOrder, FLEET_PATHS.volumePlan].sort());
    for (const [rel, text] of Object.entries(fresh)) expect(text, rel).toBe(committed(rel));
  });

  it('a bastion listed for rebuild fails, naming the bastion and its line in the order file', () => {
    const order = JSON.parse(rebuildOrder) as RebuildOrder;
    const intruder = { ...order.batches[9]!.servers[0]!, hostname: 'install-01', batch: 10 };
    order.batches[9]!.servers.push(intruder);
    order.batches[9]!.count = 3;
    order.servers.push(intruder);
    const text = jsonText(order);
    const report = verifyFleet({ tsv: TSV, inventory, rebuildOrder: text });
    expect(report.ok).toBe(false);
    expect(failed(report)).toContain('rebuild order: bastions excluded and never listed for rebuild');
    const lines = text.split('\n').flatMap((l, i) => (l.includes('"hostname": "install-01"') ? [i + 1] : []));
    expect(lines).toHaveLength(2);
    expect(detail(report, /bastions excluded/)).toContain(`rebuild_order_v3.json:${lines.join(',')}: install-01 is a bastion (protected) but is listed for rebuild in servers[47]`);
    expect(detail(report, /bastions excluded/)).toContain('install-01 is a bastion (protected) but is listed for rebuild in batches[9].servers[2]');
    const errors = fleetReportErrors(report);
    expect(errors).toBeInstanceOf(KbrunErrors);
    expect(errors!.errors.some((e) => e.code === 'E_INVENTORY' && e.message.includes('install-01 is a bastion'))).toBe(true);
  });

  it('excluded_servers must be the two bastions', () => {
    const order = JSON.parse(rebuildOrder) as RebuildOrder;
    order.metadata.excluded_servers = ['install-01'];
    const report = verifyFleet({ tsv: TSV, inventory, rebuildOrder: order });
    expect(detail(report, /bastions excluded/)).toContain('metadata.excluded_servers is ["install-01"], expected ["install-01","install-v3"]');
  });

  it('TSV errors fail the TSV check with servers_v3.tsv:LINE', () => {
    const tsv = withCell('queue-02', 3, '10.0.0.126');
    const report = verifyFleet({ tsv, inventory, rebuildOrder });
    expect(failed(report)[0]).toMatch(/^tsv: parses/);
    expect(detail(report, /^tsv: parses/)).toBe(`servers_v3.tsv:${lineOf('queue-02')}: duplicate IP address 10.0.0.126 (first on line ${lineOf('queue-01')})`);
  });

  it('a stale inventory or a wrong volume size fails', () => {
    const stale = verifyFleet({ tsv: withCell('vault-01', 3, '10.0.0.158'), inventory, rebuildOrder });
    expect(failed(stale)).toEqual(
      expect.arrayContaining(['inventory: same hosts as the TSV, ansible_host = IP_PRIVEE, ansible_user = USER_SSH', 'inventory: up to date (regenerating gives the same bytes)', 'rebuild order: up to date (regenerating gives the same content)']),
    );
    expect(detail(stale, /same hosts/)).toBe('vault-01: ansible_host 10.0.0.150, TSV IP_PRIVEE 10.0.0.158');
    const order = generateRebuildOrder(parseServersTsv(TSV));
    order.servers[0]!.volume.size = 25;
    const wrong = verifyFleet({ tsv: TSV, inventory, rebuildOrder: order });
    expect(detail(wrong, /valid volumes/)).toContain('k8s-master-01: size 25 GB, expected 20 GB for k8s-master');
  });

  it('a batch that is too big or a missing server fails', () => {
    const order = generateRebuildOrder(parseServersTsv(TSV), { batchSize: 6 });
    const report = verifyFleet({ tsv: TSV, inventory, rebuildOrder: order });
    expect(failed(report)).toContain('rebuild order: 10 batches of 6 (the last one shorter)');
    const short = generateRebuildOrder(parseServersTsv(TSV));
    short.batches[9]!.servers.pop();
    short.batches[9]!.count = 1;
    short.servers.pop();
    expect(detail(verifyFleet({ tsv: TSV, inventory, rebuildOrder: short }), /exactly once/)).toMatch(/^missing: temporal-01 \(servers_v3.tsv:\d+\)$/);
  });
});

describe('generateFleetFiles / verifyFleetFiles', () => {
  it('write the three files from the TSV, rewrite nothing the second time, and verify', async () => {
    const root = join(dir, 'project');
    await mkdir(join(root, 'servers'), { recursive: true });
    await cp(join(ROOT, FLEET_PATHS.tsv), join(root, FLEET_PATHS.tsv));
    const first = await generateFleetFiles(root);
    expect(first.files.map((f) => [f.path, f.changed])).toEqual([
      [FLEET_PATHS.rebuildOrder, true],
      [FLEET_PATHS.volumePlan, true],
      [FLEET_PATHS.inventory, true],
    ]);
    expect(first.report.ok).toBe(true);
    for (const f of first.files) expect(await readFile(join(root, f.path), 'utf8')).toBe(committed(f.path));
    const second = await generateFleetFiles(root);
    expect(second.files.every((f) => !f.changed)).toBe(true);
    expect((await verifyFleetFiles(root)).ok).toBe(true);
    expect((await verifyFleetFiles(ROOT)).ok).toBe(true);
  });

  it('refuse a wrong TSV, naming the line, and write nothing', async () => {
    const root = join(dir, 'bad');
    await mkdir(join(root, 'servers'), { recursive: true });
    await writeFile(join(root, FLEET_PATHS.tsv), withCell('redis-03', 2, 'redis-02'));
    const error = await generateFleetFiles(root).catch((e: unknown) => e);
    expect(isKbrunError(error)).toBe(true);
    expect((error as KbrunErrors).render()).toContain(`servers_v3.tsv:${lineOf('redis-03')}:`);
    await expect(readFile(join(root, FLEET_PATHS.inventory), 'utf8')).rejects.toThrow();
  });
});
