// A file written with `put` is never, not even for a moment, readable with wider permissions than its final mode:
// its temporary file is created with that mode before the first byte. The umask is 0 here, so a file created
// without an explicit mode would be 0666 and be seen.
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { withBecome } from '../../src/connection/become.js';
import type { Connection } from '../../src/connection/connection.js';
import { LocalConnection } from '../../src/connection/local-connection.js';

// The directory being watched and the modes of the files seen in it after every file-system call.
const spy = vi.hoisted(() => ({ dir: '', seen: [] as { name: string; mode: number }[] }));

// Every node:fs/promises call (and every call on a FileHandle it returns) is followed by a look at the directory.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<Record<string, unknown>>();
  const fs = await import('node:fs');
  const path = await import('node:path');
  const look = () => {
    if (spy.dir === '') return;
    for (const name of fs.readdirSync(spy.dir)) {
      const stats = fs.lstatSync(path.join(spy.dir, name));
      if (stats.isFile()) spy.seen.push({ name, mode: stats.mode & 0o7777 });
    }
  };
  const watched = (value: unknown): unknown =>
    value !== null && typeof value === 'object' && typeof (value as { fd?: unknown }).fd === 'number'
      ? new Proxy(value, { get: (target, key) => wrapped(Reflect.get(target, key, target), target) })
      : value;
  const wrapped = (value: unknown, self: unknown): unknown => {
    if (typeof value !== 'function') return value;
    return (...args: unknown[]) => {
      const result: unknown = value.apply(self, args);
      if (!(result instanceof Promise)) return result;
      return result.then((settled: unknown) => {
        look();
        return watched(settled);
      });
    };
  };
  const mocked = Object.fromEntries(Object.entries(actual).map(([name, value]) => [name, wrapped(value, actual)]));
  return { ...mocked, default: mocked };
});

let savedUmask = 0;
beforeAll(() => {
  savedUmask = process.umask(0);
});
afterAll(() => {
  process.umask(savedUmask);
});
beforeEach(() => {
  spy.dir = mkdtempSync(join(tmpdir(), 'kbrun-put-mode-'));
  spy.seen.length = 0;
  return () => rmSync(spy.dir, { recursive: true, force: true });
});

/** The widest permission bits seen on any file in the directory, beyond `allowed`. */
function wider(seen: readonly { name: string; mode: number }[], allowed: number): { name: string; mode: string }[] {
  return seen.filter((s) => (s.mode & ~allowed & 0o777) !== 0).map((s) => ({ name: s.name, mode: s.mode.toString(8) }));
}

const modeOf = (path: string) => lstatSync(path).mode & 0o7777;

describe('local put', () => {
  it('creates the temporary file with mode 0600 before writing: never seen wider', async () => {
    const path = join(spy.dir, 'secret.txt');
    await new LocalConnection().put(path, 'secret\n', { mode: 0o600 });
    expect(readFileSync(path, 'utf8')).toBe('secret\n');
    expect(modeOf(path)).toBe(0o600);
    expect(spy.seen.length).toBeGreaterThan(0);
    expect(wider(spy.seen, 0o600)).toEqual([]);
  });

  it('replacing a 0600 file without a mode keeps 0600 throughout; a new file without a mode gets the umask default', async () => {
    const path = join(spy.dir, 'kept.txt');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o600);
    spy.seen.length = 0;
    await new LocalConnection().put(path, 'new\n');
    expect(modeOf(path)).toBe(0o600);
    expect(wider(spy.seen, 0o600)).toEqual([]);
    await new LocalConnection().put(join(spy.dir, 'plain.txt'), 'x');
    expect(modeOf(join(spy.dir, 'plain.txt'))).toBe(0o666);
  });

  it('gives the exact mode, setuid included, and leaves no temporary file', async () => {
    const path = join(spy.dir, 'tool');
    await new LocalConnection().put(path, '#!/bin/sh\n', { mode: 0o4750 });
    expect(modeOf(path)).toBe(0o4750);
    expect(wider(spy.seen, 0o750)).toEqual([]);
    expect(readdirSync(spy.dir)).toEqual(['tool']);
  });
});

// `put` with become runs a shell script through sudo. Here it runs without sudo, with every external command it
// calls replaced by a spy that first records the modes of the files in the directory, then runs the real command:
// the state between any two steps of the script is seen.
const SPY = `#!/bin/sh
for f in "$SPY_DIR"/.* "$SPY_DIR"/*; do
  [ -f "$f" ] && /usr/bin/stat -c '%a %n' -- "$f" >> "$SPY_LOG"
done
export PATH="$REAL_PATH"
exec "\${0##*/}" "$@"
`;

/** A connection that runs commands locally without sudo, under umask 0, with the spies first in PATH. */
function spiedConnection(): { connection: Connection; log: string } {
  const bin = mkdtempSync(join(tmpdir(), 'kbrun-put-spies-'));
  writeFileSync(join(bin, 'spy'), SPY);
  chmodSync(join(bin, 'spy'), 0o755);
  for (const tool of ['cat', 'chmod', 'mv', 'mkdir', 'dirname', 'basename', 'stat', 'install', 'cp', 'dd', 'tee', 'touch']) {
    symlinkSync(join(bin, 'spy'), join(bin, tool));
  }
  const log = join(bin, 'seen.log');
  writeFileSync(log, '');
  onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
  const env = { PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, REAL_PATH: process.env['PATH'] ?? '/usr/bin:/bin', SPY_DIR: spy.dir, SPY_LOG: log };
  const local = new LocalConnection();
  const connection: Connection = {
    kind: 'local',
    exec: (command, options = {}) => local.exec(['/bin/sh', '-c', 'umask 0; exec "$@"', 'sh', ...command], { ...(options.stdin === undefined ? {} : { stdin: options.stdin }), env }),
    put: () => Promise.reject(new Error('not used')),
    get: () => Promise.reject(new Error('not used')),
    openTcp: () => Promise.reject(new Error('not used')),
    close: () => local.close(),
  };
  return { connection: withBecome(connection, { method: 'sudo', user: 'root' }), log };
}

/** What the spies saw: mode and file name per line. */
function spied(log: string): { name: string; mode: number }[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [mode, file] = line.split(' ', 2) as [string, string];
      return { name: file, mode: parseInt(mode, 8) };
    });
}

describe('put with become (the shell script)', () => {
  it('creates the temporary file with mode 0600 before writing: never seen wider', async () => {
    const { connection, log } = spiedConnection();
    const path = join(spy.dir, 'secret.txt');
    await connection.put(path, 'secret\n', { mode: 0o600 });
    expect(readFileSync(path, 'utf8')).toBe('secret\n');
    expect(modeOf(path)).toBe(0o600);
    const seen = spied(log);
    expect(seen.some((s) => s.name.includes('.secret.txt.kbrun-'))).toBe(true);
    expect(wider(seen, 0o600)).toEqual([]);
  });

  it('replacing a 0600 file without a mode keeps 0600 throughout; a new file without a mode gets the umask default', async () => {
    const { connection, log } = spiedConnection();
    const path = join(spy.dir, 'kept.txt');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o600);
    await connection.put(path, 'new\n');
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(modeOf(path)).toBe(0o600);
    expect(wider(spied(log), 0o600)).toEqual([]);
    await connection.put(join(spy.dir, 'plain.txt'), 'x');
    expect(modeOf(join(spy.dir, 'plain.txt'))).toBe(0o666);
  });

  it('gives the exact mode, setuid included, and leaves no temporary file', async () => {
    const { connection, log } = spiedConnection();
    const path = join(spy.dir, 'tool');
    await connection.put(path, '#!/bin/sh\n', { mode: 0o4750 });
    expect(modeOf(path)).toBe(0o4750);
    expect(wider(spied(log), 0o750)).toEqual([]);
    expect(readdirSync(spy.dir)).toEqual(['tool']);
  });
});
