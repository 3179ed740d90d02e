// The official Python client (Debian python3-hcloud 1.18, run by /usr/bin/python3) runs unchanged against the simulator.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect } from 'vitest';
import { commandMissing, requires } from '../../../test/helpers/prerequisite.js';
import { fleetSeed, startSim, type SimHarness } from './helpers/sim-client.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./conformance/hcloud_conformance.py', import.meta.url));

// Debian's python3 by its path (a pyenv or venv python3 first on PATH lacks python3-hcloud), in a minimal environment.
const PYTHON_SPAWN = { cwd: '/', env: { PATH: '/usr/bin:/bin' } };
const needsPython = requires(commandMissing(PYTHON, ['--version'], 'apt-get install python3', PYTHON_SPAWN));
const needsHcloud = requires(
  commandMissing(
    PYTHON,
    ['-c', "import hcloud.__version__ as v; assert v.VERSION.startswith('1.'), 'python3-hcloud ' + v.VERSION + ' is not the 1.x client this test targets'"],
    "install Debian's python3-hcloud 1.x (apt-get install python3-hcloud)",
    PYTHON_SPAWN,
  ),
);

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.close();
});

describe('python3-hcloud conformance', () => {
  needsHcloud('runs list/paginate, rename, rebuild + wait, detach/delete and create/attach volumes unchanged', async () => {
    const seed = fleetSeed(55);
    h = await startSim({ seed, timeScale: 0.002 });
    const token = 'conformance-token-0123456789';
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      execFile(
        PYTHON,
        [SCRIPT],
        {
          cwd: '/',
          timeout: 120_000,
          // A minimal environment: no proxy variables, so requests talks to 127.0.0.1 directly.
          env: {
            PATH: '/usr/bin:/bin',
            HCLOUD_ENDPOINT: h!.url,
            HCLOUD_TOKEN: token,
            CONFORMANCE_EXPECT_SERVERS: String(seed.servers?.length ?? 0),
            NO_PROXY: '*',
          },
        },
        (error, out, err) => resolve({ stdout: out, stderr: err, code: error ? ((error as { code?: number }).code ?? 1) : 0 }),
      );
    });
    expect(stderr, stdout).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').pop()).toBe('CONFORMANCE OK');

    const log = h.sim.requests();
    expect(log.some((r) => r.method === 'GET' && r.path === '/v1/servers' && r.query['page'] === '2' && r.query['per_page'] === '50')).toBe(true);
    expect(log.some((r) => r.method === 'PUT' && /^\/v1\/servers\/\d+$/.test(r.path))).toBe(true);
    expect(log.some((r) => r.method === 'POST' && /\/actions\/rebuild$/.test(r.path))).toBe(true);
    expect(log.filter((r) => r.method === 'GET' && /^\/v1\/actions\/\d+$/.test(r.path)).length).toBeGreaterThan(1);
    expect(log.some((r) => r.method === 'DELETE' && /^\/v1\/volumes\/\d+$/.test(r.path) && r.status === 204)).toBe(true);
    expect(log.some((r) => r.method === 'POST' && /\/volumes\/\d+\/actions\/attach$/.test(r.path) && r.status === 201)).toBe(true);
    expect(JSON.stringify(log)).not.toContain(token);
    expect(h.sim.state().internal_errors).toBeUndefined();
  });

  needsPython('refuses any endpoint that is not loopback, before any connection', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        PYTHON,
        [SCRIPT],
        { cwd: '/', timeout: 30_000, env: { PATH: '/usr/bin:/bin', HCLOUD_ENDPOINT: 'https://api.hetzner.cloud/v1', HCLOUD_TOKEN: 'x' } },
        (error, _out, err) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr: err }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HCLOUD_ENDPOINT must be a loopback URL');
  });
});
