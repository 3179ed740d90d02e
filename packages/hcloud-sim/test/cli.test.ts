import { mkdtempSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveSimulator } from '../src/index.js';
import { fixture } from './helpers/sim-client.js';

const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workdir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'hcloud-sim-cli-'));
  dirs.push(d);
  return d;
}

describe('serveSimulator', () => {
  it('serves the fleet TSV (default path) plus a volumes file, prints the URL and never the token', async () => {
    const cwd = workdir();
    mkdirSync(path.join(cwd, 'servers'));
    copyFileSync(fixture('servers.tsv'), path.join(cwd, 'servers', 'servers_v3.tsv'));
    const lines: string[] = [];
    const served = await serveSimulator({ cwd, volumesFile: fixture('volumes.json'), token: 'cli-secret-token-77', print: (l) => lines.push(l), sshPorts: false });
    closers.push(served.close);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(lines[0]).toBe(`hcloud simulator listening on ${served.url}`);
    expect(lines.join('\n')).toContain('5 servers, 4 volumes');
    expect(lines.join('\n')).not.toContain('cli-secret-token-77');
    const ok = await fetch(`${served.url}/servers`, { headers: { Authorization: 'Bearer cli-secret-token-77' } });
    expect((await ok.json()).servers).toHaveLength(5);
    const refused = await fetch(`${served.url}/servers`, { headers: { Authorization: 'Bearer other' } });
    expect(refused.status).toBe(401);
  });

  it('starts empty with empty: true, reads a full seed JSON, and refuses a missing seed or a non-loopback host', async () => {
    const cwd = workdir();
    const empty = await serveSimulator({ cwd, empty: true, print: () => undefined });
    closers.push(empty.close);
    expect(empty.simulator.state().servers).toEqual([]);
    writeFileSync(path.join(cwd, 'seed.json'), JSON.stringify({ servers: [{ name: 'solo' }] }));
    const json = await serveSimulator({ cwd, seedFile: 'seed.json', print: () => undefined, sshPorts: false });
    closers.push(json.close);
    expect(json.simulator.state().servers).toHaveLength(1);
    await expect(serveSimulator({ cwd, print: () => undefined })).rejects.toThrow(/no seed: .*servers_v3.tsv does not exist/);
    await expect(serveSimulator({ cwd, empty: true, host: '0.0.0.0', print: () => undefined })).rejects.toThrow(/loopback only/);
  });
});
