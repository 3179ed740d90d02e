import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import {
  configureSecrets,
  isKbrunError,
  KbrunError,
  KbrunErrors,
  loadInventory,
  loadPlaybook,
  ModuleRegistry,
  createClock,
  playbookJsonSchema,
  processSecrets,
  readVaultPasswordFile,
  resolveHostPattern,
  runPlaybook,
  TagFilter,
  type EventListener,
} from '@kbrun/core';
import { closeHcloudClients, configureHcloudClients, hcloudModules, loadHcloudInventory } from '@kbrun/hcloud';
import { builtinModules } from '@kbrun/modules-builtin';
import { postgresqlModules } from '@kbrun/modules-postgresql';
import { redisModules } from '@kbrun/modules-redis';
import { systemModules } from '@kbrun/modules-system';
import { sshConnectionFactory, sshModules } from '@kbrun/ssh';
import { parseCliOptions, USAGE, useColor, type CliOptions } from './cli-options.js';
import { loadConfig, renderConfig, type EffectiveConfig } from './config/index.js';
import { ConsolePrinter } from './console-printer.js';
import { parseExtraVars } from './extra-vars.js';
import { JsonPrinter } from './json-printer.js';
import { listPlaybook } from './list-playbook.js';
import { batchLogWriter, logFileWriter } from './log-writers.js';
import { expandLimit, retryFilePath, writeRetryFile } from './retry-file.js';
import { runFleetCommand } from './fleet-command.js';
import { runLabCommand, startLabRun, type LabRun } from './lab-command.js';
import { DEFAULT_SIM_TIME_SCALE, runSimCommand, startSimulation, type Simulation } from './simulation.js';
import { varDirSummary } from './var-dir-summary.js';
import { runVaultCommand } from './vault-command.js';

/** The module packs the kbrun command can load, by the names `module_packs` uses. */
const PACKS = { builtin: builtinModules, system: systemModules, postgresql: postgresqlModules, redis: redisModules, ssh: sshModules, hcloud: hcloudModules } as const;

/** Exit codes of ansible-playbook, which kbrun keeps. */
export const EXIT = { ok: 0, error: 1, hostFailed: 2, unreachableOrParse: 4, badOptions: 5 } as const;

/** Error codes of loading (the playbook, inventory or a vars file could not be read): exit code 4, as ansible-playbook. */
const LOAD_ERRORS = new Set(['E_YAML_SYNTAX', 'E_PLAYBOOK_SHAPE', 'E_FILE_NOT_FOUND', 'E_INVENTORY', 'E_VARS_FILE', 'E_UNKNOWN_KEYWORD', 'E_UNKNOWN_MODULE', 'E_SCHEMA', 'E_KEYWORD_TYPE', 'E_NO_MODULE', 'E_MULTIPLE_MODULES']);

/** Runs the kbrun command line; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'verify' || argv[0] === 'inventory') {
    return runFleetCommand(argv, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
  }
  if (argv[0] === 'sim') {
    return runSimCommand(argv.slice(1), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd() });
  }
  if (argv[0] === 'lab') {
    return runLabCommand(argv.slice(1), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
  }
  if (argv[0] === 'vault') {
    return runVaultCommand(argv.slice(1), { env: process.env, stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), stdin: process.stdin });
  }
  let options: CliOptions;
  try {
    options = parseCliOptions(argv);
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
    }
    const config = await loadConfig({ cwd: process.cwd(), env: process.env, explicitFile: options.configFile, flags: options.configFlags });
    const registry = new ModuleRegistry(packs(config));
    switch (options.command) {
      case 'config':
        process.stdout.write(renderConfig(config, { json: config.values.output === 'json' }));
        return EXIT.ok;
      case 'schema':
        process.stdout.write(`${JSON.stringify(playbookJsonSchema(registry, options.schemaRoot), null, 2)}\n`);
        return EXIT.ok;
      case 'run':
        return await run(options, config, registry);
    }
  } catch (error) {
    process.stderr.write(`${render(error)}\n`);
    const codes = error instanceof KbrunErrors ? error.errors.map((e) => e.code) : error instanceof KbrunError ? [error.code] : [];
    if (codes.length > 0 && codes.every((c) => c === 'E_CLI_OPTION' || c === 'E_CONFIG')) return EXIT.badOptions;
    if (codes.length > 0 && codes.every((c) => LOAD_ERRORS.has(c))) return EXIT.unreachableOrParse;
    return EXIT.error;
  }
}

async function run(options: CliOptions, config: EffectiveConfig, registry: ModuleRegistry): Promise<number> {
  const settings = config.values;
  const passwordFile = settings.vault_password_file;
  configureSecrets({ vaultPasswords: passwordFile ? [readVaultPasswordFile(passwordFile)] : [], patterns: settings.secret_patterns });
  // `kbrun_var_dir`: the base of logs and reports (`var_dir`), for playbooks; `-e kbrun_var_dir=…` still wins.
  const extraVars: Record<string, unknown> = { kbrun_var_dir: settings.var_dir };
  if (options.lab && options.sim) throw new KbrunError('E_CLI_OPTION', '--lab and --sim cannot be combined', { hint: 'the lab is real machines; the simulator is the cloud API' });
  // --lab: the lab key for every host (-e may still override); the address map is set below.
  const lab: LabRun | undefined = options.lab ? await startLabRun() : undefined;
  if (lab) Object.assign(extraVars, lab.extraVars);
  for (const value of options.extraVars) Object.assign(extraVars, await parseExtraVars(value));
  const limit = options.limit === undefined ? undefined : await expandLimit(options.limit);
  const loadOptions = { rolesPath: settings.roles_path };
  const hcloudInventory = (file: string) => loadHcloudInventory(file, { vars: extraVars });
  const inventoryPlugins = { hcloud: hcloudInventory, 'hetzner.hcloud.hcloud': hcloudInventory };
  if (options.syntaxCheck) {
    for (const playbook of options.playbooks) {
      await loadPlaybook(playbook, registry, loadOptions);
      process.stdout.write(`\nplaybook: ${playbook}\n`);
    }
    return EXIT.ok;
  }
  if (options.list.hosts || options.list.tasks || options.list.tags) {
    const inventory = await loadInventory(settings.inventory, { plugins: inventoryPlugins });
    const limited = limit === undefined ? undefined : new Set(resolveHostPattern(inventory, limit));
    for (const playbook of options.playbooks) {
      process.stdout.write(listPlaybook(await loadPlaybook(playbook, registry, loadOptions), playbook, inventory, limited, new TagFilter(options.tags, options.skipTags), options.list));
    }
    return EXIT.ok;
  }
  const write = (text: string) => process.stdout.write(text);
  const color = useColor(settings.color, process.env, process.stdout.isTTY === true);
  const listeners: EventListener[] = [
    settings.output === 'json'
      ? new JsonPrinter(write, options.verbosity).onEvent
      : new ConsolePrinter({ write, color, tty: process.stdout.isTTY === true, verbosity: options.verbosity }).onEvent,
  ];
  if (settings.log_file) listeners.push(logFileWriter(settings.log_file, options.verbosity));
  if (settings.log_dir) listeners.push(batchLogWriter(settings.log_dir, options.verbosity));
  const onEvent: EventListener = (event) => listeners.forEach((listener) => listener(event));
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  const timeScale = options.sim ? (settings.sim_time_scale ?? DEFAULT_SIM_TIME_SCALE) : 1;
  const clock = createClock(timeScale);
  let simulation: Simulation | undefined;
  if (options.sim) {
    const print = (line: string) => (settings.output === 'text' ? process.stdout : process.stderr).write(`${line}\n`);
    simulation = await startSimulation({ url: options.sim.url, timeScale, cwd: process.cwd(), print });
  }
  // Under --check the Hetzner Cloud client refuses every non-GET request: check mode cannot change the cloud.
  configureHcloudClients({
    readOnly: options.check,
    sleep: (ms, signal) => clock.sleep(ms, signal),
    ...(simulation ? { env: { ...process.env, HCLOUD_ENDPOINT: simulation.endpoint, HCLOUD_TOKEN: simulation.token } } : {}),
  });
  // Under --lab the lab's known_hosts decides (strictly) and nothing of the user's ~/.ssh or agent reaches lab hosts.
  const ssh = sshConnectionFactory({
    hostKeyChecking: lab ? true : settings.host_key_checking,
    connectTimeoutMs: settings.connect_timeout * 1000,
    maxSessions: settings.max_sessions,
    ...(lab ? { knownHostsFile: lab.access.knownHostsFile, homeDirectory: lab.access.sshHome, agentSocket: null } : {}),
  });
  const started = Date.now();
  try {
    let exitCode = 0;
    for (const playbook of options.playbooks) {
      const result = await runPlaybook({
        playbook,
        inventory: settings.inventory,
        inventoryPlugins,
        protectedHosts: settings.protected_hosts,
        ...(settings.task_timeout !== null ? { taskTimeout: settings.task_timeout } : {}),
        connections: { ssh: ssh.factory },
        clock,
        ...(limit !== undefined ? { limit } : {}),
        extraVars,
        check: options.check,
        diff: options.diff,
        forks: settings.forks,
        ...(config.file !== undefined ? { configFile: config.file } : {}),
        verbosity: options.verbosity,
        tags: options.tags,
        skipTags: options.skipTags,
        ...(options.startAtTask !== undefined ? { startAtTask: options.startAtTask } : {}),
        forceHandlers: options.forceHandlers,
        rolesPath: settings.roles_path,
        modules: registry.packs(),
        onEvent,
        signal: controller.signal,
      });
      exitCode = result.exitCode;
      const retry = [...result.failedHosts, ...result.unreachableHosts];
      if (retry.length > 0 && settings.retry_files) {
        const path = retryFilePath(playbook, settings.retry_files_dir ?? undefined);
        await writeRetryFile(path, retry);
        if (settings.output === 'text') process.stdout.write(`to retry, use: --limit @${path}\n`);
      }
      if (exitCode !== 0) break;
    }
    // Where the logs and reports went (the playbooks write them under kbrun_var_dir).
    const varDir = resolve(String(extraVars['kbrun_var_dir']));
    const shownAs = relative(process.cwd(), varDir);
    if (settings.output === 'text') process.stdout.write(varDirSummary(varDir, shownAs === '' || shownAs.startsWith('..') ? varDir : shownAs, started));
    return exitCode;
  } finally {
    process.off('SIGINT', stop);
    await ssh.closeAll();
    await closeHcloudClients();
    await simulation?.close();
    lab?.close();
  }
}

/** The module packs named by `module_packs`. */
function packs(config: EffectiveConfig) {
  return config.values.module_packs.map((name) => {
    const pack = PACKS[name as keyof typeof PACKS];
    if (!pack) throw new KbrunError('E_CONFIG', `unknown module pack '${name}' in module_packs`, { hint: `available packs: ${Object.keys(PACKS).join(', ')}` });
    return pack;
  });
}

/** An error as printed: rendered with its location, with every known secret removed. */
function render(error: unknown): string {
  const text = isKbrunError(error) ? error.render() : ((error as Error)?.stack ?? String(error));
  return `ERROR! ${processSecrets().redactor.redactText(text)}`;
}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}
