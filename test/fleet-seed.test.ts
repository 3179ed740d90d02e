import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTsvError } from '@kbrun/fleet-data';
import { loadSeedFile } from '@kbrun/hcloud-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fleet-sim.js';
import { runKbrun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

// One parser for servers_v3.tsv: what `kbrun verify` refuses, the simulator's seed loader refuses with the same errors.
const committed = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');
const TSV_LINES = committed('servers/servers_v3.tsv').replace(/\n$/, '').split('\n');
const tsv = (lines: readonly string[], eol = '\n'): string => `${lines.join(eol)}${eol}`;

/** Swaps the FQDN and USER_SSH columns in every line, header included. */
function reordered(): string {
  return tsv(TSV_LINES.map((line) => {
    const cells = line.split('\t');
    [cells[4], cells[5]] = [cells[5]!, cells[4]!];
    return cells.join('\t');
  }));
}

/** The committed TSV with the last cell of line `n` cut off. */
function shortRow(n: number): string {
  return tsv(TSV_LINES.map((line, i) => (i === n - 1 ? line.split('\t').slice(0, -1).join('\t') : line)));
}

let project: TempProject | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
});

describe('servers_v3.tsv the simulator used to read leniently', () => {
  it.each([
    ['a short row', shortRow(7)],
    ['reordered columns', reordered()],
    ['Windows line endings', tsv(TSV_LINES, '\r\n')],
  ])('%s: kbrun verify and the seed loader refuse it with the same errors', async (_, text) => {
    project = tempProject({
      'servers/servers_v3.tsv': text,
      'inventory/hosts.yml': committed('inventory/hosts.yml'),
      'servers/rebuild_order_v3.json': committed('servers/rebuild_order_v3.json'),
    });
    const verify = await runKbrun(['verify', '--root', project.dir]);
    expect(verify.code).toBe(1);
    const verifyErrors = verify.stdout.split('\n').flatMap((l) => (/^ {4}servers_v3\.tsv:\d+: /.test(l) ? [l.trim()] : []));
    expect(verifyErrors.length).toBeGreaterThan(0);

    let thrown: unknown;
    try {
      loadSeedFile(project.path('servers/servers_v3.tsv'));
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error | undefined)?.name).toBe('KbrunErrors');
    expect((thrown as { errors: Parameters<typeof formatTsvError>[0][] }).errors.map(formatTsvError)).toEqual(verifyErrors);

    const serve = await runKbrun(['sim', 'serve', '--seed', project.path('servers/servers_v3.tsv')]);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain(`${project.path('servers/servers_v3.tsv')}:${/^servers_v3\.tsv:(\d+):/.exec(verifyErrors[0]!)![1]}:`);
  });
});
