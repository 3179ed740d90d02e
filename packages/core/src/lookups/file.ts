import { readFileSync } from 'node:fs';
import { locateControllerFile } from '../exec/find-file.js';
import { processSecrets } from '../secrets/process-secrets.js';
import { isVaultText } from '../secrets/vault.js';
import { boolOption, lookupError, stringTerm } from './lookup-options.js';
import type { LookupEnv, LookupSpec } from './lookup-types.js';

/** A controller file found in the task's search path (`files/` first), decrypted when it is vault-encrypted. */
function readSearched(name: 'file' | 'unvault', term: unknown, env: LookupEnv): string {
  const needle = stringTerm(name, term);
  const path = locateControllerFile(env.searchPath, 'files', needle);
  if (path === undefined) {
    throw lookupError(name, `could not find '${needle}'`, `looked in files/ and beside the task, role and playbook: ${env.searchPath.join(', ')}`);
  }
  const text = readFileSync(path, 'utf8');
  return isVaultText(text) ? processSecrets().keyring.decrypt(text, path).toString('utf8') : text;
}

/** `file`: the contents of controller files (vault files decrypted), stripped at the end (`rstrip`) and optionally the start. */
export const fileLookup: LookupSpec = {
  description: "Contents of controller files (searched in the role's/playbook's `files/`), vault files decrypted; `rstrip`, `lstrip`.",
  options: { rstrip: true, lstrip: false },
  secret: true,
  run: (terms, options, env) =>
    terms.map((term) => {
      let text = readSearched('file', term, env);
      if (boolOption('file', options, 'lstrip')) text = text.trimStart();
      if (boolOption('file', options, 'rstrip')) text = text.trimEnd();
      return text;
    }),
};

/** `unvault`: the decrypted contents of vault-encrypted controller files (plain files as they are). */
export const unvaultLookup: LookupSpec = {
  description: 'Decrypted contents of vault-encrypted controller files (kbrun vault format), unstripped.',
  options: {},
  secret: true,
  run: (terms, _options, env) => terms.map((term) => readSearched('unvault', term, env)),
};
