import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { KbrunError } from '../errors/kbrun-error.js';

/** Reads a vault password file: its content without trailing newlines; refuses a missing, empty or group/world-accessible file. */
export function readVaultPasswordFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be opened (${code ?? 'error'})`;
    throw new KbrunError('E_VAULT', `vault password file ${path} ${why}`, {
      hint: 'pass --vault-password-file FILE or set KBRUN_VAULT_PASSWORD_FILE to a file holding the password',
      cause: error,
    });
  }
  try {
    // fstat on the opened descriptor: the file checked is the file read.
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new KbrunError('E_VAULT', `vault password file ${path} is not a regular file`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new KbrunError('E_VAULT', `vault password file ${path} is accessible by group or others (mode ${mode})`, {
        hint: `chmod 600 ${path}`,
      });
    }
    const password = readFileSync(fd, 'utf8').replace(/(?:\r?\n)+$/, '');
    if (password.length === 0) {
      throw new KbrunError('E_VAULT', `vault password file ${path} is empty`, { hint: 'write the vault password on the first line of the file' });
    }
    return password;
  } finally {
    closeSync(fd);
  }
}
