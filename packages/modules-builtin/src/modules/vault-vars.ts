import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { defineModule, isVaultText, processSecrets, readVarsFile, writeFileAtomic } from '@kbrun/core';

/** Arguments of `vault_vars`. */
export interface VaultVarsArgs {
  path: string;
  vars: Record<string, string>;
  keep_existing: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variables as YAML: one `name: "value"` line each (a JSON string is a YAML double-quoted scalar). */
function toYaml(vars: Readonly<Record<string, string>>): string {
  const lines = ['---', '# Written by kbrun vault_vars; edit with `kbrun vault edit` (values are kept across runs).'];
  for (const [name, value] of Object.entries(vars)) lines.push(`${name}: ${JSON.stringify(value)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `vault_vars`: keeps variables in a vault-encrypted vars file on the controller (kbrun's vault, the run's first
 * vault password). Variables the file already holds are kept unless `keep_existing: false`; only names are returned.
 */
export const vaultVars = defineModule<VaultVarsArgs>({
  name: 'vault_vars',
  description:
    "Keeps variables (generated secrets) in a vault-encrypted YAML vars file on the controller: missing ones are added, existing ones kept; encrypted with the run's vault password; returns names only.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: "The vars file on the controller (relative paths from the playbook's directory), e.g. an inventory group_vars file." },
      vars: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Variable names and the values to store when the file does not hold them yet (e.g. lookup("password", "/dev/null length=32")).',
      },
      keep_existing: { type: 'boolean', default: true, description: 'Keep the values the file already holds (false: replace them, a rotation).' },
    },
    required: ['path', 'vars'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    const bad = Object.keys(args.vars).filter((name) => !NAME.test(name));
    if (bad.length > 0) return { failed: true, changed: false, msg: `not variable names: ${bad.join(', ')}` };
    const base = typeof ctx.vars['playbook_dir'] === 'string' ? ctx.vars['playbook_dir'] : process.cwd();
    const path = isAbsolute(args.path) ? args.path : resolve(base, args.path);
    const { keyring, redactor } = processSecrets();
    if (keyring.size === 0) return { failed: true, changed: false, msg: 'vault_vars needs a vault password: pass --vault-password-file FILE or set KBRUN_VAULT_PASSWORD_FILE' };
    let existing: Record<string, unknown> = {};
    if (existsSync(path)) {
      if (!isVaultText(readFileSync(path, 'utf8'))) {
        return { failed: true, changed: false, path, msg: `${path} exists and is not vault-encrypted: encrypt it first (kbrun vault encrypt ${args.path}), so no clear secret is ever rewritten beside it` };
      }
      existing = await readVarsFile(path);
    }
    const stored: Record<string, string> = {};
    for (const [name, value] of Object.entries(existing)) stored[name] = typeof value === 'string' ? value : String(value);
    const added: string[] = [];
    const replaced: string[] = [];
    const kept: string[] = [];
    for (const [name, value] of Object.entries(args.vars)) {
      redactor.add(value);
      if (!(name in stored)) added.push(name);
      else if (stored[name] === value) kept.push(name);
      else if (args.keep_existing) kept.push(name);
      else replaced.push(name);
      if (!(name in stored) || !args.keep_existing) stored[name] = value;
    }
    for (const value of Object.values(stored)) redactor.add(value);
    const changed = added.length > 0 || replaced.length > 0;
    if (changed && !ctx.check) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // Encrypted before it touches the disk; written beside the target with mode 0600 and renamed over it.
      await writeFileAtomic(path, keyring.encrypt(toYaml(stored)), { mode: 0o600 });
    }
    return { changed, path, added, replaced, kept };
  },
});
