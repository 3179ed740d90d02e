import { isIP } from 'node:net';
import { KbrunError } from '../errors/kbrun-error.js';

let forced = false;

/** Turns the loopback-only guard on for this process (simulation mode does it). */
export function enableLoopbackOnly(): void {
  forced = true;
}

/** True when outgoing connections may only go to 127.0.0.0/8 or ::1 (`--sim`, or `KBRUN_LOOPBACK_ONLY=1`). */
export function loopbackOnly(): boolean {
  return forced || process.env['KBRUN_LOOPBACK_ONLY'] === '1';
}

/** True for an IPv4 address in 127.0.0.0/8 or the IPv6 loopback (also in its IPv4-mapped form). */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return bare.startsWith('127.');
  if (family === 6) {
    const lower = bare.toLowerCase();
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

/**
 * Resolves the address a connection to `host` will use, refusing anything but loopback when the guard is on.
 * Under the guard, names are not looked up (a lookup could leave the machine): only `localhost` and IP literals pass.
 */
export function guardAddress(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!loopbackOnly()) return bare;
  const resolved = bare === 'localhost' || bare.endsWith('.localhost') ? '127.0.0.1' : bare;
  if (isLoopbackAddress(resolved)) return resolved;
  const what = isIP(resolved) ? `address ${resolved}` : `host name '${resolved}' (names are not resolved in loopback-only mode)`;
  throw new KbrunError('E_NET_GUARD', `refusing to connect to ${what}: loopback-only mode allows only 127.0.0.0/8 and ::1`, {
    hint: 'loopback-only mode is on (--sim or KBRUN_LOOPBACK_ONLY=1); point the inventory or task at a 127.0.0.x address',
  });
}
