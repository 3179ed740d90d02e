// Test helpers: a started simulator and a tiny fetch-based client for it (real HTTP on 127.0.0.1, port 0).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSimulator } from '../../src/index.js';
import { mergeSeeds, seedFromServersTsv, seedFromVolumesJson } from '../../src/seed.js';
import type { SimSeed, Simulator, SimulatorOptions } from '../../src/types.js';

/** The token the tests use. */
export const TOKEN = 'test-token-0123456789abcdef';

/** An answer: status, headers, parsed body (undefined for 204). */
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A started simulator with a client bound to it. */
export interface SimHarness {
  sim: Simulator;
  url: string;
  /** Call the API; `body` is sent as JSON; `token: null` sends no Authorization header. */
  api<T = any>(method: string, path: string, body?: unknown, token?: string | null): Promise<Answer<T>>;
  close(): Promise<void>;
}

/** Start a simulator on 127.0.0.1 port 0. */
export async function startSim(options: SimulatorOptions = {}): Promise<SimHarness> {
  const sim = createSimulator(options);
  const { url } = await sim.listen();
  const api = async <T = any>(method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<Answer<T>> => {
    const headers: Record<string, string> = {};
    if (token !== null) headers['Authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
  };
  return { sim, url, api, close: () => sim.close() };
}

/** Wait until `check` returns a truthy value (polls every 5 ms), or fail after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Poll an action until it is no longer running; returns the final action. */
export async function waitAction(h: SimHarness, id: number, timeoutMs = 5000): Promise<any> {
  return waitFor(async () => {
    const { body } = await h.api('GET', `/actions/${id}`);
    return body.action.status !== 'running' ? body.action : undefined;
  }, timeoutMs, `action ${id}`);
}

/** Path of a fixture file. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** The fixture fleet (5 servers from the TSV, 4 volumes) plus `extra` generated servers. */
export function fleetSeed(extra = 0): SimSeed {
  const generated: SimSeed = {
    servers: Array.from({ length: extra }, (_, i) => ({ name: `extra-${String(i + 1).padStart(3, '0')}`, labels: { role: 'filler' } })),
  };
  return mergeSeeds(
    seedFromServersTsv(readFileSync(fixture('servers.tsv'), 'utf8')),
    seedFromVolumesJson(readFileSync(fixture('volumes.json'), 'utf8')),
    generated,
  );
}

/** Public keys (no private halves exist) and the MD5 fingerprints `ssh-keygen -l -E md5` printed for them. */
export const ED25519_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILH37dQzMTVrRW/S7XA/Y76UeiHpjtm0g1FNsz4Le8Lp kbrun-sim-test';
export const ED25519_MD5 = '9d:20:3e:0f:d4:a4:8e:7f:6f:b3:c9:7d:09:37:e0:12';
export const RSA_KEY =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDIlSLEwTQ86nCxpQhf1Q/x70LBq6i23THShFU6DaaUvTbS5J2bD2vdV/wQRJsGP8jtebH+QBRvZwK4n+Kc/EtqMOEPKuplKIaXp7Y9/2OOS/I5xneIkTvNkaBY1zAT5GPE2+yVfL6+we8Ch0Qor0RKQPKWkyfvNtSRzv0qLt1SAiaXuGPkvwOD9XyKXamF/fTqU6neXQ01s7zsP6LvzBTvWng+IODBX6kYQWtSFfzH4b/QVALRlwlZE+UhRuF9xdnifBI1e6FImAPmbZCB5eEcsdnnqkZQRJJOSJ2L5i0Vo9+7oUxbzKYZZWLM9C5dK8UHM/dzVvsWDhmjWtdjvl1Z rsa-test';
export const RSA_MD5 = '8d:65:40:20:0f:e2:a6:bb:d6:76:45:ec:25:13:5d:13';
