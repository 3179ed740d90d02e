import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { KEYWORDS } from '@kbrun/core';
import { describe, expect, it } from 'vitest';

/** Every keyword of ansible-core 2.14's keyword_desc.yml. */
const ANSIBLE_KEYWORDS =
  'accelerate accelerate_ipv6 accelerate_port action always any_errors_fatal args async become become_exe become_flags become_method become_user block changed_when check_mode collections connection debugger delay delegate_facts delegate_to diff environment fact_path failed_when force_handlers gather_facts gather_subset gather_timeout handlers hosts ignore_errors ignore_unreachable loop loop_control max_fail_percentage module_defaults name no_log notify order poll port post_tasks pre_tasks register remote_user rescue retries roles run_once serial strategy tags tasks throttle timeout until vars vars_files vars_prompt when'.split(' ');

// Docs generated from the code stay in step with it.
describe('generated docs', () => {
  it('the keyword table knows every Ansible keyword', () => {
    const known = new Set(KEYWORDS.map((k) => k.name));
    expect(ANSIBLE_KEYWORDS.filter((k) => !known.has(k))).toEqual([]);
  });

  it('the keyword and settings tables in docs/ are those of the code', () => {
    const script = fileURLToPath(new URL('../scripts/docs-tables.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
