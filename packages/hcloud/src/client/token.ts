// Where the API token comes from: arguments, HCLOUD_TOKEN, HETZNER_API_TOKEN, then a credentials file only its owner may read.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HcloudError } from './hcloud-error.js';

/** The API endpoint used when none is configured. */
export const DEFAULT_ENDPOINT = 'https://api.hetzner.cloud/v1';

/** Where the token file is looked for when no path is given. */
export function defaultTokenFile(): string {
  return join(homedir(), '.config', 'kbrun', 'hcloud-token');
}

/** Options for finding the token. */
export interface TokenSource {
  /** A token given directly (module argument `api_token`, inventory `api_token`). */
  token?: string | undefined;
  /** Variables to read HCLOUD_TOKEN / HETZNER_API_TOKEN from (defaults to process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The credentials file; `~/.config/kbrun/hcloud-token` when omitted. */
  file?: string | undefined;
}

/**
 * Finds the API token: `token`, then HCLOUD_TOKEN, then HETZNER_API_TOKEN, then the credentials file.
 * The file is refused when group or others may read or write it (as ssh refuses such a key).
 */
export function resolveToken(source: TokenSource = {}): string {
  const env = source.env ?? process.env;
  for (const candidate of [source.token, env['HCLOUD_TOKEN'], env['HETZNER_API_TOKEN']]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
  }
  const file = source.file ?? defaultTokenFile();
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new HcloudError(
      'no_token',
      `no Hetzner Cloud API token: set HCLOUD_TOKEN (or HETZNER_API_TOKEN), pass api_token, or write the token to ${file} with mode 600`,
    );
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new HcloudError(
      'insecure_token_file',
      `permissions ${octal} for ${file} are too open: the token file must not be readable or writable by group or others; run chmod 600 ${file}`,
    );
  }
  const token = readFileSync(file, 'utf8').trim();
  if (token === '') throw new HcloudError('no_token', `the token file ${file} is empty`);
  return token;
}

/** The endpoint: `endpoint`, then HCLOUD_ENDPOINT, then https://api.hetzner.cloud/v1 (without a trailing slash). */
export function resolveEndpoint(endpoint?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const chosen = [endpoint, env['HCLOUD_ENDPOINT']].find((e) => typeof e === 'string' && e.trim() !== '') ?? DEFAULT_ENDPOINT;
  return chosen.trim().replace(/\/+$/, '');
}
