import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isKbrunError, KbrunError } from '@kbrun/core';
import { generateFleetFiles, renderFleetReport, verifyFleetFiles } from '@kbrun/fleet';

/** Where `kbrun inventory generate` and `kbrun verify` write their output. */
export interface FleetCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** `kbrun inventory generate` and `kbrun verify`. */
export const FLEET_USAGE = `usage: kbrun inventory generate [--root DIR]   write servers/rebuild_order_v3.json, servers/volume_plan_v3.json
                                               and inventory/hosts.yml from servers/servers_v3.tsv, then verify them
       kbrun verify [--root DIR]               check servers_v3.tsv, inventory/hosts.yml, rebuild_order_v3.json and
                                               volume_plan_v3.json against each other and the Phase 1 runbook

options:
      --root DIR   the project root (holding servers/ and inventory/); default the current directory
  -h, --help       this text

exit codes: 0 ok, 1 a verification failed, 4 servers_v3.tsv or a file is wrong or missing, 5 bad usage`;

const EXIT = { ok: 0, failed: 1, badFile: 4, badUsage: 5 } as const;

/** Runs `kbrun inventory generate` (`args` = ['inventory', 'generate', …]) or `kbrun verify` (['verify', …]); returns the exit code. */
export async function runFleetCommand(args: readonly string[], io: FleetCommandIo): Promise<number> {
  const generate = args[0] === 'inventory';
  let root: string;
  try {
    if (generate && args[1] !== 'generate') throw new KbrunError('E_CLI_OPTION', `unknown inventory subcommand ${JSON.stringify(args[1] ?? '')}; expected generate`);
    const { values, positionals } = parseArgs({ args: [...args.slice(generate ? 2 : 1)], options: { root: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (values.help) {
      io.stdout(`${FLEET_USAGE}\n`);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new KbrunError('E_CLI_OPTION', `unexpected argument ${positionals[0]}`);
    root = resolve(values.root ?? process.cwd());
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n${FLEET_USAGE}\n`);
    return EXIT.badUsage;
  }
  try {
    const { files, report } = generate ? await generateFleetFiles(root) : { files: [], report: await verifyFleetFiles(root) };
    for (const f of files) io.stdout(`${f.changed ? 'wrote    ' : 'unchanged'} ${f.path}\n`);
    io.stdout(renderFleetReport(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  } catch (error) {
    io.stderr(`${isKbrunError(error) ? error.render() : error instanceof Error ? error.message : String(error)}\n`);
    return isKbrunError(error) ? EXIT.badFile : EXIT.failed;
  }
}
