import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runKbrun } from './helpers/run-kbrun.js';

// `kbrun --sim --check playbooks/reset_hetzner.yml` shows the plan as Ansible would print it: per batch, the debug
// message under its `(item=batch N)` label, and not the whole loop item (the batch and its servers) again.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const batches = (JSON.parse(readFileSync(`${ROOT}/servers/rebuild_order_v3.json`, 'utf8')) as { batches: Array<{ batch: number }> }).batches;

describe('the reset in check mode', () => {
  it('prints each batch of the plan in three lines: the label, the message, the closing brace', async () => {
    const run = await runKbrun(['--sim', '--check', 'playbooks/reset_hetzner.yml'], { cwd: ROOT });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('TASK [Plan (check mode)'));
    const plan = lines.slice(start + 1, lines.indexOf('', start));
    expect(plan).toHaveLength(3 * batches.length);
    batches.forEach(({ batch }, i) => {
      expect(plan.slice(3 * i, 3 * i + 3)).toEqual([
        `ok: [localhost] => (item=batch ${batch}) => {`,
        expect.stringMatching(new RegExp(`^ {4}"msg": "batch ${batch}/${batches.length}: rebuild .+ with ubuntu-24\\.04; detach and delete .+"$`)),
        '}',
      ]);
    });
  }, 120_000);
});
