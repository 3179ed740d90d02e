import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { KbrunError } from '@kbrun/core';

/** Where the retry file of a playbook goes: `<dir>/<playbook name>.retry` (beside the playbook by default). */
export function retryFilePath(playbook: string, directory?: string): string {
  const name = `${basename(playbook, extname(playbook))}.retry`;
  return join(directory ?? dirname(resolve(playbook)), name);
}

/** Writes the hosts that failed or were unreachable, one per line, so `--limit @FILE` reruns only them. */
export async function writeRetryFile(path: string, hosts: readonly string[]): Promise<void> {
  await writeFile(path, `${[...new Set(hosts)].join('\n')}\n`);
}

/** Expands `--limit @file` (hosts one per line, as a retry file has them) into a host pattern. */
export async function expandLimit(limit: string): Promise<string> {
  if (!limit.startsWith('@')) return limit;
  const file = limit.slice(1);
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new KbrunError('E_CLI_OPTION', `--limit ${limit}: cannot read ${file}: ${error.message}`);
  });
  const hosts = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (hosts.length === 0) throw new KbrunError('E_CLI_OPTION', `--limit ${limit}: ${file} lists no host`);
  return hosts.join(':');
}
