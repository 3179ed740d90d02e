import { createRequire } from 'node:module';
import { isKbrunError, KbrunError, KbrunErrors, loadInventory, loadPlaybook, ModuleRegistry, playbookJsonSchema, resolveHostPattern, runPlaybook, TagFilter, type EventListener } from '@kbrun/core';
import { builtinModules } from '@kbrun/modules-builtin';
import { parseCliOptions, USAGE, type CliOptions } from './cli-options.js';
import { ConsolePrinter } from './console-printer.js';
import { parseExtraVars } from './extra-vars.js';
import { JsonPrinter } from './json-printer.js';
import { listPlaybook } from './list-playbook.js';
import { batchLogWriter, logFileWriter } from './log-writers.js';
import { expandLimit, retryFilePath, writeRetryFile } from './retry-file.js';

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
  const limit = options.limit === undefined ? undefined : await expandLimit(options.limit);
  const registry = new ModuleRegistry(PACKS);
  if (options.syntaxCheck) {
    for (const playbook of options.playbooks) {
      await loadPlaybook(playbook, registry);
      process.stdout.write(`\nplaybook: ${playbook}\n`);
    }
    return EXIT.ok;
  }
  if (options.list.hosts || options.list.tasks || options.list.tags) {
    const inventory = await loadInventory(options.inventory);
    const limited = limit === undefined ? undefined : new Set(resolveHostPattern(inventory, limit));
    for (const playbook of options.playbooks) {
      process.stdout.write(listPlaybook(await loadPlaybook(playbook, registry), playbook, inventory, limited, new TagFilter(options.tags, options.skipTags), options.list));
    }
    return EXIT.ok;
  }
  const write = (text: string) => process.stdout.write(text);
  const listeners: EventListener[] = [
    options.output === 'json'
      ? new JsonPrinter(write, options.verbosity).onEvent
      : new ConsolePrinter({ write, color: options.color, tty: process.stdout.isTTY === true, verbosity: options.verbosity }).onEvent,
  ];
  if (options.logFile) listeners.push(logFileWriter(options.logFile, options.verbosity));
  if (options.logDir) listeners.push(batchLogWriter(options.logDir, options.verbosity));
  const onEvent: EventListener = (event) => listeners.forEach((listener) => listener(event));
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  try {
    let exitCode = 0;
    for (const playbook of options.playbooks) {
      const result = await runPlaybook({
        playbook,
        inventory: options.inventory,
        ...(limit !== undefined ? { limit } : {}),
        extraVars,
        check: options.check,
        diff: options.diff,
        forks: options.forks,
        verbosity: options.verbosity,
        tags: options.tags,
        skipTags: options.skipTags,
        ...(options.startAtTask !== undefined ? { startAtTask: options.startAtTask } : {}),
        forceHandlers: options.forceHandlers,
        modules: PACKS,
        onEvent,
        signal: controller.signal,
      });
      exitCode = result.exitCode;
      const retry = [...result.failedHosts, ...result.unreachableHosts];
      if (retry.length > 0) {
        const path = retryFilePath(playbook);
        await writeRetryFile(path, retry);
        if (options.output === 'text') process.stdout.write(`\nto retry, use: --limit @${path}\n`);
      }
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
