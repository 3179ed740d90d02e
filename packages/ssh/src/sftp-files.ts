import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';

// SFTP status codes (draft-ietf-secsh-filexfer-02).
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

// Writes in flight at once and their size: enough to keep the channel window full on a fast link.
const CHUNK = 64 * 1024;
const IN_FLIGHT = 32;

/** True for an SFTP "no such file" status. */
export function isNoSuchFile(error: unknown): boolean {
  return (error as { code?: unknown })?.code === NO_SUCH_FILE;
}

/**
 * Replaces `path` atomically: writes a temporary file in the same directory (created when missing), sets its mode
 * (`mode`, or the replaced file's mode), then renames it over the target (posix-rename@openssh.com when the server
 * has it, otherwise unlink + rename).
 */
export async function sftpPut(sftp: SFTPWrapper, path: string, data: Buffer, mode: number | undefined): Promise<void> {
  const directory = posix.dirname(path);
  const temporary = posix.join(directory, `.${posix.basename(path)}.kbrun-${randomBytes(6).toString('hex')}`);
  const finalMode = mode ?? (await call<Stats>((cb) => sftp.stat(path, cb)).then((s) => s.mode & 0o7777, (e) => (isNoSuchFile(e) ? undefined : Promise.reject(describe(e, 'stat', path)))));
  let handle: Buffer;
  try {
    handle = await openForWrite(sftp, temporary, finalMode);
  } catch (error) {
    if (!isNoSuchFile(error)) throw describe(error, 'create', temporary);
    await makeDirectories(sftp, directory);
    handle = await openForWrite(sftp, temporary, finalMode).catch((e) => Promise.reject(describe(e, 'create', temporary)));
  }
  try {
    try {
      await writeAll(sftp, handle, data);
      if (finalMode !== undefined) await call((cb) => sftp.fchmod(handle, finalMode, cb));
    } finally {
      await call((cb) => sftp.close(handle, cb)).catch(() => undefined);
    }
    await renameOver(sftp, temporary, path);
  } catch (error) {
    await call((cb) => sftp.unlink(temporary, cb)).catch(() => undefined);
    throw describe(error, 'write', path);
  }
}

/** Reads a whole file; null when it does not exist. */
export async function sftpGet(sftp: SFTPWrapper, path: string): Promise<Buffer | null> {
  try {
    return await call<Buffer>((cb) => sftp.readFile(path, cb));
  } catch (error) {
    if (isNoSuchFile(error)) return null;
    throw describe(error, 'read', path);
  }
}

function openForWrite(sftp: SFTPWrapper, path: string, mode: number | undefined): Promise<Buffer> {
  return call<Buffer>((cb) => sftp.open(path, 'w', mode === undefined ? {} : { mode }, cb));
}

async function writeAll(sftp: SFTPWrapper, handle: Buffer, data: Buffer): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < data.length) {
      const at = next;
      const length = Math.min(CHUNK, data.length - at);
      next += length;
      await call((cb) => sftp.write(handle, data, at, length, at, cb));
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, Math.ceil(data.length / CHUNK)) }, worker));
}

async function renameOver(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  let posixRename = true;
  try {
    await call((cb) => sftp.ext_openssh_rename(from, to, cb));
    return;
  } catch (error) {
    // ssh2 throws synchronously when the server lacks the extension; a failed rename is a real error.
    if (!/does not support/.test((error as Error).message)) throw error;
    posixRename = false;
  }
  if (!posixRename) {
    await call((cb) => sftp.unlink(to, cb)).catch((e) => (isNoSuchFile(e) ? undefined : Promise.reject(e)));
    await call((cb) => sftp.rename(from, to, cb));
  }
}

/** `mkdir -p` over SFTP. */
async function makeDirectories(sftp: SFTPWrapper, directory: string): Promise<void> {
  try {
    await call((cb) => sftp.mkdir(directory, cb));
  } catch (error) {
    if (isNoSuchFile(error) && posix.dirname(directory) !== directory) {
      await makeDirectories(sftp, posix.dirname(directory));
      await call((cb) => sftp.mkdir(directory, cb)).catch((e) => exists(sftp, directory, e));
      return;
    }
    await exists(sftp, directory, error);
  }
}

/** Resolves when `directory` exists after all (a mkdir race or an existing one); rejects with `error` otherwise. */
async function exists(sftp: SFTPWrapper, directory: string, error: unknown): Promise<void> {
  const stats = await call<Stats>((cb) => sftp.stat(directory, cb)).catch(() => undefined);
  if (!stats?.isDirectory()) throw describe(error, 'create directory', directory);
}

/** An SFTP failure as an Error that says what was being done to which path. */
function describe(error: unknown, action: string, path: string): Error {
  if (error instanceof Error && error.message.startsWith('cannot ')) return error;
  const code = (error as { code?: unknown })?.code;
  const reason = code === NO_SUCH_FILE ? 'no such file or directory' : code === PERMISSION_DENIED ? 'permission denied' : ((error as Error)?.message ?? String(error));
  const described = new Error(`cannot ${action} ${path} (SFTP): ${reason}`);
  (described as NodeJS.ErrnoException).code = code === NO_SUCH_FILE ? 'ENOENT' : code === PERMISSION_DENIED ? 'EACCES' : 'EIO';
  return described;
}

/** Runs a callback-style SFTP call as a promise; a synchronous throw rejects too. */
function call<T = void>(start: (cb: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      start((error, value) => (error ? reject(error) : resolve(value as T)));
    } catch (error) {
      reject(error);
    }
  });
}
