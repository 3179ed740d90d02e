// @kbrun/modules-builtin: the modules every playbook uses (commands, files, templates, waits, HTTP, variables).
import type { ModulePack } from '@kbrun/core';
import { assert } from './modules/assert.js';
import { blockinfile } from './modules/blockinfile.js';
import { command } from './modules/command.js';
import { copy } from './modules/copy.js';
import { debug } from './modules/debug.js';
import { fail } from './modules/fail.js';
import { file } from './modules/file.js';
import { includeVars } from './modules/include-vars.js';
import { lineinfile } from './modules/lineinfile.js';
import { pause } from './modules/pause.js';
import { setFact } from './modules/set-fact.js';
import { setup } from './modules/setup.js';
import { shell } from './modules/shell.js';
import { slurp } from './modules/slurp.js';
import { stat } from './modules/stat.js';
import { template } from './modules/template.js';
import { uri } from './modules/uri.js';
import { vaultVars } from './modules/vault-vars.js';
import { waitFor } from './modules/wait-for.js';

// Each module, for callers that register or wrap modules one by one.
export { assert, blockinfile, command, copy, debug, fail, file, includeVars, lineinfile, pause, setFact, shell, slurp, stat, template, uri, vaultVars, waitFor };
// The argument type of each module (what its schema validates).
export type { AssertArgs } from './modules/assert.js';
export type { BlockinfileArgs } from './modules/blockinfile.js';
export type { CommandArgs } from './modules/command.js';
export type { CopyArgs } from './modules/copy.js';
export type { DebugArgs } from './modules/debug.js';
export type { FailArgs } from './modules/fail.js';
export type { FileArgs } from './modules/file.js';
export type { IncludeVarsArgs } from './modules/include-vars.js';
export type { LineinfileArgs } from './modules/lineinfile.js';
export type { PauseArgs } from './modules/pause.js';
export type { SetFactArgs } from './modules/set-fact.js';
export { setup, type SetupArgs } from './modules/setup.js';
export type { ShellArgs } from './modules/shell.js';
export type { SlurpArgs } from './modules/slurp.js';
export type { StatArgs } from './modules/stat.js';
export type { TemplateArgs } from './modules/template.js';
export type { UriArgs } from './modules/uri.js';
export type { VaultVarsArgs } from './modules/vault-vars.js';
export type { WaitForArgs } from './modules/wait-for.js';

/** The built-in pack, keyed by Ansible module name (registered explicitly by the CLI). */
export const builtinModules: ModulePack = {
  command,
  shell,
  debug,
  set_fact: setFact,
  assert,
  fail,
  pause,
  wait_for: waitFor,
  stat,
  file,
  copy,
  template,
  lineinfile,
  blockinfile,
  slurp,
  uri,
  include_vars: includeVars,
  setup,
  vault_vars: vaultVars,
};
