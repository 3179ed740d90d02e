// TCP streams opened from a target's point of view (Connection.openTcp) and how their failures are told apart.

/** Options for opening a TCP stream from a target. */
export interface TcpOptions {
  /** Give up when the connection is not established within this many milliseconds (reason `timed-out`). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Why a TCP stream could not be opened. A closed set, so that modules decide on it rather than on messages:
 * `refused` (nothing listens), `timed-out` (no answer), `unreachable` (no route), `unresolved` (a name the target
 * cannot resolve), `prohibited` (the target's sshd does not forward: `AllowTcpForwarding no`, `PermitOpen`), `failed`
 * (anything else: the message says what).
 */
export type TcpFailure = 'refused' | 'timed-out' | 'unreachable' | 'unresolved' | 'prohibited' | 'failed';

/**
 * A TCP stream to `host:port` could not be opened from the target (or from the controller, for a local connection).
 * The target itself was reached: this is a fact about the port, not an unreachable host (that is a ConnectionError).
 */
export class TcpConnectError extends Error {
  override readonly name = 'TcpConnectError';
  readonly code = 'E_TCP_CONNECT';

  constructor(
    readonly reason: TcpFailure,
    readonly host: string,
    readonly port: number,
    /** Where the connection was made from, as messages say it: `on the target web1`, `from the controller`. */
    readonly where: string,
    options: { detail?: string; timeoutMs?: number; cause?: unknown } = {},
  ) {
    super(tcpFailureMessage(reason, host, `${hostForUrl(host)}:${port}`, where, options.detail, options.timeoutMs), options.cause === undefined ? undefined : { cause: options.cause });
  }
}

function tcpFailureMessage(reason: TcpFailure, host: string, address: string, where: string, detail: string | undefined, timeoutMs: number | undefined): string {
  switch (reason) {
    case 'refused':
      return `connection refused by ${address} ${where}`;
    case 'timed-out':
      return `connection to ${address} timed out${timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`} ${where}`;
    case 'unreachable':
      return `no route to ${address} ${where}${detail ? ` (${detail})` : ''}`;
    case 'unresolved':
      return `cannot resolve ${host} ${where}${detail ? ` (${detail})` : ''}`;
    case 'prohibited':
      return `the sshd ${where.replace(/^on /, 'of ')} refuses to open a TCP connection to ${address} (${detail ?? 'administratively prohibited'}): modules reach the target's ports through it; allow it with AllowTcpForwarding local (or yes) in its sshd_config, and PermitOpen if that is set`;
    case 'failed':
      return `connection to ${address} failed ${where}${detail ? `: ${detail}` : ''}`;
  }
}

/** `::1` → `[::1]`, other hosts unchanged: the host part of `host:port`. */
function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The TcpFailure of a socket error code (`ECONNREFUSED` → `refused`); `failed` for one it does not know. */
export function tcpFailureOfErrno(code: string | undefined): TcpFailure {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timed-out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return 'unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return 'unresolved';
  }
  return 'failed';
}
