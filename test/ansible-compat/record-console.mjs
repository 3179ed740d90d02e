// Records ansible-playbook's console output for each console case into expected/<name>.console.txt.
// Development only (needs Debian's ansible-core): node test/ansible-compat/record-console.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ansibleConsole, CONSOLE_CASES, normalizeConsole } from './console-cases.mjs';

const here = new URL('.', import.meta.url).pathname;
for (const c of CONSOLE_CASES) {
  const run = ansibleConsole(c);
  writeFileSync(join(here, 'expected', `${c.name}.console.txt`), normalizeConsole(run.stdout));
  console.log(`${c.name}: exit ${run.exitCode}`);
}
