import { shellSplit } from '@kbrun/core';

/** Host key policy of OpenSSH's `StrictHostKeyChecking`, normalised. */
export type StrictHostKeyChecking = 'yes' | 'no' | 'accept-new';

/** What kbrun understands of `ansible_ssh_common_args` / `ansible_ssh_extra_args` (OpenSSH command-line options). */
export interface SshArgs {
  /** `-J` / `-o ProxyJump=` (or a `ProxyCommand` of the form `ssh -W %h:%p host`); `none` gives ''. */
  proxyJump?: string;
  strictHostKeyChecking?: StrictHostKeyChecking;
  /** `-o UserKnownHostsFile=` (space-separated list, as in ssh_config). */
  userKnownHostsFiles?: string[];
  connectTimeoutMs?: number;
  /** `-i` / `-o IdentityFile=`, in order. */
  identityFiles: string[];
  port?: number;
  user?: string;
  /** `-o ServerAliveInterval=` (keepalive period). */
  serverAliveIntervalMs?: number;
  serverAliveCountMax?: number;
}

// Flags of ssh(1) that take a value; everything else is a no-value flag (`-q`, `-C`, `-4`, …) and ignored.
const FLAGS_WITH_VALUE = new Set(['B', 'b', 'c', 'D', 'E', 'e', 'F', 'I', 'i', 'J', 'L', 'l', 'm', 'O', 'o', 'p', 'Q', 'R', 'S', 'W', 'w']);

/**
 * Parses OpenSSH command-line options the way ssh(1) reads them: for each option the first value given wins
 * (so `ansible_ssh_common_args` beats `ansible_ssh_extra_args`, as on Ansible's ssh command line).
 * Options kbrun has no use for are ignored; a `ProxyCommand` kbrun cannot honour is an error (connecting
 * directly instead would go to the wrong place).
 */
export function parseSshArgs(...texts: ReadonlyArray<string | undefined>): SshArgs {
  const parsed: SshArgs = { identityFiles: [] };
  for (const text of texts) {
    if (text === undefined || text.trim() === '') continue;
    readWords(shellSplit(text), parsed, undefined);
  }
  return parsed;
}

function readWords(words: readonly string[], into: SshArgs, positionals: string[] | undefined): void {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-') || word === '-') {
      positionals?.push(word);
      continue;
    }
    // A cluster of no-value flags may end with one that takes a value: `-qp 2222`, `-p2222`, `-oKey=value`.
    for (let j = 1; j < word.length; j++) {
      const flag = word[j]!;
      if (!FLAGS_WITH_VALUE.has(flag)) continue;
      let value = word.slice(j + 1);
      if (value === '') {
        value = words[i + 1] ?? '';
        i++;
      }
      applyFlag(flag, value, into);
      break;
    }
  }
}

function applyFlag(flag: string, value: string, into: SshArgs): void {
  switch (flag) {
    case 'J':
      into.proxyJump ??= value === 'none' ? '' : value;
      return;
    case 'i':
      into.identityFiles.push(value);
      return;
    case 'p':
      into.port ??= parsePort(value, '-p');
      return;
    case 'l':
      into.user ??= value;
      return;
    case 'o':
      applyOption(value, into);
      return;
  }
}

function applyOption(text: string, into: SshArgs): void {
  const match = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(text);
  if (!match) return;
  const key = match[1]!.toLowerCase();
  const value = unquote(match[2]!);
  switch (key) {
    case 'proxyjump':
      into.proxyJump ??= value.toLowerCase() === 'none' ? '' : value;
      return;
    case 'proxycommand':
      if (into.proxyJump === undefined) into.proxyJump = proxyCommandJump(value);
      return;
    case 'stricthostkeychecking':
      into.strictHostKeyChecking ??= strictness(value);
      return;
    case 'userknownhostsfile':
      into.userKnownHostsFiles ??= value.split(/\s+/).filter((f) => f !== '' && f.toLowerCase() !== 'none');
      return;
    case 'connecttimeout':
      into.connectTimeoutMs ??= seconds(value, 'ConnectTimeout') * 1000;
      return;
    case 'identityfile':
      into.identityFiles.push(value);
      return;
    case 'port':
      into.port ??= parsePort(value, 'Port');
      return;
    case 'user':
      into.user ??= value;
      return;
    case 'serveraliveinterval':
      into.serverAliveIntervalMs ??= seconds(value, 'ServerAliveInterval') * 1000;
      return;
    case 'serveralivecountmax':
      into.serverAliveCountMax ??= Math.max(1, Math.floor(seconds(value, 'ServerAliveCountMax')));
      return;
  }
}

/** `ssh -W %h:%p [options] [user@]host` is a jump host written the old way; anything else can't be honoured. */
function proxyCommandJump(command: string): string {
  if (command.toLowerCase() === 'none') return '';
  const words = shellSplit(command);
  const program = words[0]?.split('/').pop();
  const w = words.indexOf('-W');
  if (program === 'ssh' && w >= 0 && words[w + 1] === '%h:%p') {
    const inner: SshArgs = { identityFiles: [] };
    const positionals: string[] = [];
    readWords([...words.slice(1, w), ...words.slice(w + 2)], inner, positionals);
    if (positionals.length === 1) {
      const destination = positionals[0]!;
      const user = inner.user !== undefined && !destination.includes('@') ? `${inner.user}@` : '';
      const port = inner.port !== undefined ? `:${inner.port}` : '';
      return `${user}${destination}${port}`;
    }
  }
  throw new Error(`ProxyCommand '${command}' is not supported: use -o ProxyJump=[user@]host[:port] (or -J)`);
}

function strictness(value: string): StrictHostKeyChecking {
  switch (value.toLowerCase()) {
    case 'no':
    case 'off':
    case 'false':
      return 'no';
    case 'accept-new':
      return 'accept-new';
    case 'yes':
    case 'ask':
    case 'true':
      return 'yes';
  }
  throw new Error(`StrictHostKeyChecking must be yes, no or accept-new, got '${value}'`);
}

function seconds(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${option} must be a number of seconds, got '${value}'`);
  return n;
}

function parsePort(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${option} must be a port number (1-65535), got '${value}'`);
  return n;
}

function unquote(value: string): string {
  return value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) ? value.slice(1, -1) : value;
}
