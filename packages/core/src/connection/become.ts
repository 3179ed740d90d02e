import type { Connection, ExecOptions, ExecResult, PutOptions } from './connection.js';

/** Run commands as another user (`become`), the way sudo does it. */
export interface BecomeOptions {
  user: string;
  method: 'sudo';
  /** The sudo password (`ansible_become_password`); never shown anywhere. */
  password?: string;
}

/** Reads become settings from task keywords and the target's variables; undefined when not becoming. */
export function becomeOf(keyword: (name: string) => unknown, vars: Readonly<Record<string, unknown>>): BecomeOptions | undefined {
  const on = keyword('become') ?? vars['ansible_become'];
  if (!(on === true || (typeof on === 'string' && /^(yes|true|on|1)$/i.test(on)))) return undefined;
  const method = String(keyword('become_method') ?? vars['ansible_become_method'] ?? 'sudo');
  if (method !== 'sudo') throw new Error(`become_method '${method}' is not supported (use sudo)`);
  const user = String(keyword('become_user') ?? vars['ansible_become_user'] ?? 'root');
  const password = vars['ansible_become_password'] ?? vars['ansible_become_pass'];
  return { user, method: 'sudo', ...(password === undefined ? {} : { password: String(password) }) };
}

/**
 * Writes stdin to $1 as the become user, the way `put` does as the login user: parent directories created, a
 * temporary file beside the target (noclobber: never through a planted link) created with the final mode — $2, else
 * the replaced file's, else the umask's default — through a umask that allows no more, then given exactly that mode
 * and renamed over the target. Its bytes are never readable with wider permissions than the target's.
 */
const PUT_SCRIPT = [
  'set -eC',
  'd=$(dirname -- "$1")',
  'mkdir -p -- "$d"',
  't="$d/.$(basename -- "$1").kbrun-$$"',
  'if [ -n "$2" ]; then m=$2; elif [ -e "$1" ]; then m=$(stat -L -c %a -- "$1"); else m=$(printf %o $((0666 & ~0$(umask)))); fi',
  `trap 'rm -f -- "$t"' EXIT`,
  'umask "$(printf %o $((0777 & ~0$m)))"',
  'cat > "$t"',
  'chmod -- "$m" "$t"',
  'mv -f -- "$t" "$1"',
  'trap - EXIT',
].join('\n');

/** Prints $1 in base64 as the become user (output is text); exit 3 when it does not exist. */
const GET_SCRIPT = 'if [ -e "$1" ]; then base64 -w 0 -- "$1"; else exit 3; fi';

/**
 * A connection whose every command runs with `become` (the connection implements how). Files are written and read
 * as the become user too, through commands: a root-owned path is written as root, as Ansible's become does.
 * TCP streams are the connection's own.
 */
export function withBecome(connection: Connection, become: BecomeOptions | undefined): Connection {
  if (!become) return connection;
  return {
    kind: connection.kind,
    exec: (command: string | readonly string[], options: ExecOptions = {}): Promise<ExecResult> => connection.exec(command, { ...options, become }),
    put: async (path: string, data: string | Buffer, options: PutOptions = {}) => {
      const mode = options.mode === undefined ? '' : options.mode.toString(8);
      const result = await connection.exec(['sh', '-c', PUT_SCRIPT, 'sh', path, mode], { stdin: data, become });
      if (result.rc !== 0) throw new Error(`writing ${path} as ${become.user} failed: ${result.stderr.trim() || `rc ${result.rc}`}`);
    },
    get: async (path: string) => {
      const result = await connection.exec(['sh', '-c', GET_SCRIPT, 'sh', path], { become });
      if (result.rc === 3) return null;
      if (result.rc !== 0) throw new Error(`reading ${path} as ${become.user} failed: ${result.stderr.trim() || `rc ${result.rc}`}`);
      return Buffer.from(result.stdout, 'base64');
    },
    // A stream is opened by the connection itself (sshd, the controller): there is no user to become.
    openTcp: (host, port, options) => connection.openTcp(host, port, options),
    close: () => connection.close(),
  };
}
