// @kbrun/cli: the kbrun command, usable from code as well.
export { main, EXIT } from './main.js';
export { ConsolePrinter, type ConsoleOptions } from './console-printer.js';
export { JsonPrinter } from './json-printer.js';
export { loadConfig, renderConfig, SETTINGS, DEFAULT_CONFIG, type KbrunConfig, type EffectiveConfig } from './config/index.js';
export { runVaultCommand } from './vault-command.js';
