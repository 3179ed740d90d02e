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

/** A connection whose every command runs with `become` (the connection implements how). */
export function withBecome(connection: Connection, become: BecomeOptions | undefined): Connection {
  if (!become) return connection;
  return {
    kind: connection.kind,
    exec: (command: string | readonly string[], options: ExecOptions = {}): Promise<ExecResult> => connection.exec(command, { ...options, become }),
    put: (path: string, data: string | Buffer, options?: PutOptions) => connection.put(path, data, options),
    get: (path: string) => connection.get(path),
    close: () => connection.close(),
  };
}

/** The argument vector that runs `argv` through sudo as `become.user` (`-S` reads the password from stdin when there is one). */
export function sudoArgv(argv: readonly string[], become: BecomeOptions): string[] {
  const auth = become.password === undefined ? ['-n'] : ['-S', '-p', ''];
  return ['sudo', '-H', ...auth, '-u', become.user, '--', ...argv];
}
