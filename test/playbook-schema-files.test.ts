import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runKbrun } from './helpers/run-kbrun.js';

// Every YAML file under playbooks/ validates against what `kbrun schema` prints for its kind, as an editor
// (yaml-language-server) would check it: a file in a tasks/ or handlers/ directory is a task list
// (`kbrun schema tasks`), a file in a defaults/ or vars/ directory is a vars file (a mapping, no schema), any other is
// a playbook (`kbrun schema`).
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PLAYBOOKS = join(ROOT, 'playbooks');
const TASK_LIST_DIRS = new Set(['tasks', 'handlers']);
const VARS_DIRS = new Set(['defaults', 'vars']);

/** Every .yml/.yaml file under `dir`, at any depth. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** The schema `kbrun schema [kind]` prints, compiled as an editor would use it (no type coercion). */
async function schemaValidator(kind: 'playbook' | 'tasks') {
  const run = await runKbrun(['schema', kind]);
  expect(run.code, run.stderr).toBe(0);
  return new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(run.stdout));
}

describe('kbrun schema and the playbooks of this repository', () => {
  it('every file under playbooks/ validates against the schema of its kind', async () => {
    const validators = { playbook: await schemaValidator('playbook'), tasks: await schemaValidator('tasks') };
    const files = yamlFiles(PLAYBOOKS);
    const problems: string[] = [];
    for (const file of files) {
      if (relative(PLAYBOOKS, file).split(sep).slice(0, -1).some((d) => VARS_DIRS.has(d))) continue;
      const kind = relative(PLAYBOOKS, file).split(sep).slice(0, -1).some((d) => TASK_LIST_DIRS.has(d)) ? 'tasks' : 'playbook';
      const validate = validators[kind];
      if (!validate(parse(readFileSync(file, 'utf8')))) {
        const typed = (validate.errors ?? []).filter((e) => !['anyOf', 'required', 'additionalProperties'].includes(e.keyword));
        problems.push(`${relative(ROOT, file)} (${kind}): ${(typed.length > 0 ? typed : validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
      }
    }
    expect(files.map((f) => relative(PLAYBOOKS, f))).toEqual(expect.arrayContaining(['volumes_v3.yml', 'reset_hetzner.yml', join('tasks', 'reset_batch.yml')]));
    expect(problems).toEqual([]);
  }, 60_000);
});
