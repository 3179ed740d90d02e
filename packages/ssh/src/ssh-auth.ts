import { readFile } from 'node:fs/promises';
import { ConnectionError } from '@kbrun/core';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, KeyboardInteractiveCallback, Prompt } from 'ssh2';
import type { SshTarget } from './ssh-target.js';

/** The authentication attempts for one login, in order, and how messages describe them (never with secrets). */
export interface AuthPlan {
  methods: AnyAuthMethod[];
  /** e.g. `publickey (/root/.ssh/deploy)`, `agent`, `password`. */
  described: string[];
}

/**
 * Plans the logins for `user`: explicit key files, the agent, the default identities (~/.ssh/id_*), then the password
 * (as `password` and `keyboard-interactive`) when `withPassword`. An explicit key file that can't be read or decrypted
 * is a ConnectionError naming the file; default identities that can't be used are skipped, as ssh does.
 */
export async function planAuthentication(target: SshTarget, user: string, withPassword: boolean): Promise<AuthPlan> {
  const plan: AuthPlan = { methods: [], described: [] };
  for (const file of target.keyFiles) {
    const key = await readKey(file, target.passphrase, true);
    if (key) {
      plan.methods.push({ type: 'publickey', username: user, key: key.data, ...(key.passphrase !== undefined ? { passphrase: key.passphrase } : {}) });
      plan.described.push(`publickey (${file})`);
    }
  }
  if (target.agentSocket) {
    plan.methods.push({ type: 'agent', username: user, agent: target.agentSocket });
    plan.described.push('agent');
  }
  for (const file of target.defaultKeyFiles) {
    if (target.keyFiles.includes(file)) continue;
    const key = await readKey(file, target.passphrase, false);
    if (key) {
      plan.methods.push({ type: 'publickey', username: user, key: key.data, ...(key.passphrase !== undefined ? { passphrase: key.passphrase } : {}) });
      plan.described.push(`publickey (${file})`);
    }
  }
  const password = target.password;
  if (withPassword && password !== undefined) {
    plan.methods.push({ type: 'password', username: user, password });
    plan.methods.push({
      type: 'keyboard-interactive',
      username: user,
      prompt: (_name: string, _instructions: string, _lang: string, prompts: Prompt[], finish: KeyboardInteractiveCallback) => finish(prompts.map(() => password)),
    });
    plan.described.push('password');
  }
  return plan;
}

/** A private key file's bytes once it is known to parse; undefined for an unusable default identity. */
async function readKey(file: string, passphrase: string | undefined, explicit: boolean): Promise<{ data: Buffer; passphrase: string | undefined } | undefined> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    if (!explicit) return undefined;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConnectionError(`cannot read private key file ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
  const plain = ssh2.utils.parseKey(data);
  if (!(plain instanceof Error)) return { data, passphrase: undefined };
  const encrypted = /encrypted|passphrase/i.test(plain.message) || /ENCRYPTED/.test(data.toString('latin1', 0, 200));
  if (!encrypted) {
    if (!explicit) return undefined;
    throw new ConnectionError(`private key file ${file} is not a private key kbrun can use (${plain.message}); OpenSSH and PEM keys are supported`);
  }
  if (passphrase === undefined) {
    if (!explicit) return undefined;
    throw new ConnectionError(`private key file ${file} is encrypted: give its passphrase in ansible_ssh_private_key_passphrase`);
  }
  const decrypted = ssh2.utils.parseKey(data, passphrase);
  if (decrypted instanceof Error) {
    if (!explicit) return undefined;
    throw new ConnectionError(`private key file ${file} could not be decrypted: the passphrase (ansible_ssh_private_key_passphrase) is wrong`);
  }
  return { data, passphrase };
}
