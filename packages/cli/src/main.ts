import { createRequire } from 'node:module';
import { isKbrunError, KbrunError, KbrunErrors, loadPlaybook, ModuleRegistry, playbookJsonSchema, runPlaybook, type EventListener } from '@kbrun/core';
import { builtinModules } from '@kbrun/modules-builtin';
import { parseCliOptions, USAGE, type CliOptions } from './cli-options.js';
import { ConsolePrinter } from './console-printer.js';
import { parseExtraVars } from './extra-vars.js';
import { JsonPrinter } from './json-printer.js';

/** The module packs the kbrun command registers. */
const PACKS = [builtinModules];

/** Exit codes of ansible-playbook, which kbrun keeps. */
export const EXIT = { ok: 0, error: 1, hostFailed: 2, unreachableOrParse: 4, badOptions: 5 } as const;

/** Runs the kbrun command line; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliOptions(argv, process.env);
  } catch (error) {
    process.stderr.write(`${render(error)}\n${USAGE}\n`);
    return EXIT.badOptions;
  }
  try {
    switch (options.command) {
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
      case 'version':
        process.stdout.write(`kbrun ${version()}\n`);
        return EXIT.ok;
      case 'schema':
        process.stdout.write(`${JSON.stringify(playbookJsonSchema(new ModuleRegistry(PACKS)), null, 2)}\n`);
        return EXIT.ok;
      case 'run':
        return await run(options);
    }
  } catch (error) {
    process.stderr.write(`${render(error)}\n`);
    if (error instanceof KbrunErrors || (error instanceof KbrunError && ['E_YAML_SYNTAX', 'E_PLAYBOOK_SHAPE', 'E_FILE_NOT_FOUND', 'E_INVENTORY', 'E_VARS_FILE'].includes(error.code))) {
      return EXIT.unreachableOrParse;
    }
    if (error instanceof KbrunError && error.code === 'E_CLI_OPTION') return EXIT.badOptions;
    return EXIT.error;
  }
}

async function run(options: CliOptions): Promise<number> {
  const extraVars: Record<string, unknown> = {};
  for (const value of options.extraVars) Object.assign(extraVars, await parseExtraVars(value));
  if (options.syntaxCheck) {
    const registry = new ModuleRegistry(PACKS);
    for (const playbook of options.playbooks) {
      await loadPlaybook(playbook, registry);
      process.stdout.write(`\nplaybook: ${playbook}\n`);
    }
    return EXIT.ok;
  }
  const write = (text: string) => process.stdout.write(text);
  const onEvent: EventListener =
    options.output === 'json'
      ? new JsonPrinter(write, options.verbosity).onEvent
      : new ConsolePrinter({ write, color: options.color, tty: process.stdout.isTTY === true, verbosity: options.verbosity }).onEvent;
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  try {
    let exitCode = 0;
    for (const playbook of options.playbooks) {
      const result = await runPlaybook({
        playbook,
        inventory: options.inventory,
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
        extraVars,
        check: options.check,
        diff: options.diff,
        forks: options.forks,
        verbosity: options.verbosity,
        modules: PACKS,
        onEvent,
        signal: controller.signal,
      });
      exitCode = result.exitCode;
      if (exitCode !== 0) break;
    }
    return exitCode;
  } finally {
    process.off('SIGINT', stop);
  }
}

function render(error: unknown): string {
  if (isKbrunError(error)) return `ERROR! ${error.render()}`;
  return `ERROR! ${(error as Error)?.stack ?? String(error)}`;
}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}
