import { spawn } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, realpath, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { encryptVault, isKbrunError, isVaultText, KbrunError, readVaultPasswordFile, shellSplit, VaultKeyring, writeFileAtomic } from '@kbrun/core';

/** The streams and environment `kbrun vault` works with (the process's own in production, fakes in tests). */
export interface VaultCommandIo {
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin?: NodeJS.ReadableStream;
}

/** `kbrun vault --help`. */
export const VAULT_USAGE = `usage: kbrun vault encrypt FILE… [--output FILE]   encrypt files in place (or into --output)
       kbrun vault decrypt FILE… [--output FILE]   decrypt files in place (or into --output, - for stdout); mode 600
       kbrun vault view FILE…                      print the decrypted content
       kbrun vault edit FILE                       decrypt into a private temp file, run $EDITOR (default vi), re-encrypt
       kbrun vault encrypt-string NAME             read a value on stdin, print \`NAME: !vault |\` for a vars file
                                                   (one trailing newline is dropped: echo secret | … is fine)

options:
      --vault-password-file FILE   a file holding a vault password, mode 600; repeatable (decryption tries each,
                                   encryption uses the first); default $KBRUN_VAULT_PASSWORD_FILE
      --output FILE                where encrypt/decrypt write; one input file only
  -h, --help                       this text

exit codes: 0 ok, 1 error, 5 bad usage`;

const EXIT = { ok: 0, error: 1, badUsage: 5 } as const;
const SUBCOMMANDS = ['encrypt', 'decrypt', 'view', 'edit', 'encrypt-string'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Decrypted files are readable by their owner only, whatever the mode of the encrypted file or the output was.
const PLAINTEXT_MODE = 0o600;

interface VaultOptions {
  subcommand: Subcommand;
  operands: string[];
  passwordFiles: string[];
  output: string | undefined;
}

/** `kbrun vault encrypt|decrypt|view|edit|encrypt-string FILE…` ; returns the exit code. */
export async function runVaultCommand(args: readonly string[], io: VaultCommandIo): Promise<number> {
  let options: VaultOptions | 'help';
  try {
    options = parseVaultArgs(args, io.env);
  } catch (error) {
    io.stderr(`${render(error)}\n${VAULT_USAGE}\n`);
    return EXIT.badUsage;
  }
  if (options === 'help') {
    io.stdout(`${VAULT_USAGE}\n`);
    return EXIT.ok;
  }
  try {
    const keyring = new VaultKeyring(options.passwordFiles.map(readVaultPasswordFile));
    if (keyring.size === 0) {
      throw new KbrunError('E_VAULT', `kbrun vault ${options.subcommand} needs a vault password and none was given`, {
        hint: 'pass --vault-password-file FILE or set KBRUN_VAULT_PASSWORD_FILE',
      });
    }
    switch (options.subcommand) {
      case 'encrypt':
        await encryptFiles(options, keyring);
        break;
      case 'decrypt':
        await decryptFiles(options, keyring, io);
        break;
      case 'view':
        for (const file of options.operands) io.stdout(keyring.decrypt(await readVaultFile(file), file).toString('utf8'));
        break;
      case 'edit':
        await editFile(options.operands[0]!, keyring, io);
        break;
      case 'encrypt-string':
        io.stdout(await encryptString(options.operands[0]!, keyring, io));
        break;
    }
    return EXIT.ok;
  } catch (error) {
    io.stderr(`${render(error)}\n`);
    return EXIT.error;
  }
}

function parseVaultArgs(args: readonly string[], env: NodeJS.ProcessEnv): VaultOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        'vault-password-file': { type: 'string', multiple: true },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new KbrunError('E_CLI_OPTION', (error as Error).message, { hint: 'run kbrun vault --help for the options' });
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [name, ...operands] = positionals;
  if (name === undefined) throw new KbrunError('E_CLI_OPTION', `kbrun vault needs a subcommand: ${SUBCOMMANDS.join(', ')}`);
  if (!(SUBCOMMANDS as readonly string[]).includes(name)) {
    throw new KbrunError('E_CLI_OPTION', `unknown vault subcommand '${name}', expected one of ${SUBCOMMANDS.join(', ')}`);
  }
  const subcommand = name as Subcommand;
  if (operands.length === 0) {
    throw new KbrunError('E_CLI_OPTION', `kbrun vault ${subcommand} needs ${subcommand === 'encrypt-string' ? 'a variable NAME' : 'a FILE'}`);
  }
  if ((subcommand === 'edit' || subcommand === 'encrypt-string') && operands.length > 1) {
    throw new KbrunError('E_CLI_OPTION', `kbrun vault ${subcommand} takes one ${subcommand === 'edit' ? 'FILE' : 'NAME'}, got ${operands.length}`);
  }
  if (subcommand === 'encrypt-string' && !VARIABLE_NAME.test(operands[0]!)) {
    throw new KbrunError('E_CLI_OPTION', `'${operands[0]}' is not a variable name (letters, digits and _, not starting with a digit)`);
  }
  if (values.output !== undefined) {
    if (subcommand !== 'encrypt' && subcommand !== 'decrypt') throw new KbrunError('E_CLI_OPTION', `--output only applies to encrypt and decrypt, not ${subcommand}`);
    if (operands.length > 1) throw new KbrunError('E_CLI_OPTION', `--output takes one input file, got ${operands.length}`);
  }
  const fromEnv = env.KBRUN_VAULT_PASSWORD_FILE;
  const passwordFiles = values['vault-password-file'] ?? (fromEnv ? [fromEnv] : []);
  return { subcommand, operands, passwordFiles, output: values.output };
}

/** Encrypts every file, after checking that none is encrypted already (so nothing is half done). */
async function encryptFiles(options: VaultOptions, keyring: VaultKeyring): Promise<void> {
  const inputs = await Promise.all(options.operands.map(async (file) => ({ file, data: await readInput(file) })));
  for (const { file, data } of inputs) {
    if (isVaultText(data.toString('utf8'))) {
      throw new KbrunError('E_VAULT', `${file} is already vault-encrypted`, { hint: `use kbrun vault edit ${file} to change it` });
    }
  }
  for (const { file, data } of inputs) await writeResult(file, options.output, keyring.encrypt(data));
}

/** Decrypts every file, after checking that each is encrypted; plaintext is written with mode 0600. */
async function decryptFiles(options: VaultOptions, keyring: VaultKeyring, io: VaultCommandIo): Promise<void> {
  const inputs = await Promise.all(options.operands.map(async (file) => ({ file, text: await readVaultFile(file) })));
  const plaintexts = inputs.map(({ file, text }) => ({ file, data: keyring.decrypt(text, file) }));
  for (const { file, data } of plaintexts) {
    if (options.output === '-') io.stdout(data.toString('utf8'));
    else await writeAtomic(options.output ?? file, data, PLAINTEXT_MODE);
  }
}

/** Decrypts into a private temp file, runs the editor, re-encrypts if the content changed; the temp file is always shredded. */
async function editFile(file: string, keyring: VaultKeyring, io: VaultCommandIo): Promise<void> {
  const { plaintext, password } = keyring.unlock(await readVaultFile(file), file);
  const mode = (await stat(file)).mode & 0o7777;
  const dir = await mkdtemp(join(tmpdir(), 'kbrun-vault-')); // mkdtemp creates it with mode 0700
  try {
    const scratch = join(dir, basename(file));
    await writeFile(scratch, plaintext, { mode: 0o600, flag: 'wx' });
    await runEditor(io.env.EDITOR || 'vi', scratch, io.env);
    const edited = await readFile(scratch);
    if (!edited.equals(plaintext)) await writeAtomic(file, encryptVault(edited, password), mode);
  } finally {
    await shredDirectory(dir);
  }
}

/** `NAME: !vault |` and the armored value indented by two spaces: a YAML entry to paste in a vars file. */
async function encryptString(name: string, keyring: VaultKeyring, io: VaultCommandIo): Promise<string> {
  const stdin = io.stdin ?? process.stdin;
  if ((stdin as { isTTY?: boolean }).isTTY) io.stderr(`reading the value of ${name} from stdin; end with Ctrl-D\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  let value = Buffer.concat(chunks);
  if (value.length > 0 && value[value.length - 1] === 0x0a) value = value.subarray(0, value.length - (value[value.length - 2] === 0x0d ? 2 : 1));
  if (value.length === 0) {
    throw new KbrunError('E_VAULT', `no value for ${name} on stdin`, { hint: `printf '%s' 'the value' | kbrun vault encrypt-string ${name}` });
  }
  const armored = keyring.encrypt(value);
  const lines = armored.trimEnd().split('\n');
  return `${name}: !vault |\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

/** Runs `$EDITOR FILE` with the terminal; resolves when it exits 0. */
function runEditor(editor: string, file: string, env: NodeJS.ProcessEnv): Promise<void> {
  const [command, ...args] = shellSplit(editor);
  if (command === undefined) throw new KbrunError('E_VAULT', 'EDITOR is empty', { hint: 'export EDITOR=vi' });
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, file], { stdio: 'inherit', env });
    // While the editor runs, Ctrl-C belongs to it; a termination request is passed on so the temp file is still removed.
    const ignore = () => {};
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    process.on('SIGHUP', forward);
    const done = () => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
    };
    child.once('error', (error) => {
      done();
      reject(new KbrunError('E_VAULT', `cannot run the editor '${command}': ${error.message}`, { hint: 'set EDITOR to an installed editor, e.g. export EDITOR=nano', cause: error }));
    });
    child.once('exit', (code, signal) => {
      done();
      if (code === 0) resolve();
      else reject(new KbrunError('E_VAULT', `the editor '${command}' ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; the vault file is unchanged`));
    });
  });
}

/** Overwrites every file in `dir` with zeros, then removes the directory. */
async function shredDirectory(dir: string): Promise<void> {
  try {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isFile()) await shredFile(join(dir, entry.name));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function shredFile(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r+');
    try {
      const { size } = await handle.stat();
      const zeros = Buffer.alloc(Math.min(size, 1 << 20));
      for (let offset = 0; offset < size; offset += zeros.length) await handle.write(zeros, 0, Math.min(zeros.length, size - offset), offset);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new KbrunError('E_FILE_NOT_FOUND', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}

async function readVaultFile(file: string): Promise<string> {
  const text = (await readInput(file)).toString('utf8');
  if (!isVaultText(text)) throw new KbrunError('E_VAULT', `${file} is not vault-encrypted`, { hint: `encrypt it with kbrun vault encrypt ${file}` });
  return text;
}

/** Writes the result in place, or to --output (keeping the output's mode if it exists, else the input's). */
async function writeResult(input: string, output: string | undefined, data: string | Buffer): Promise<void> {
  const target = output ?? input;
  const mode = await stat(target).then(
    (s) => s.mode & 0o7777,
    async () => (await stat(input)).mode & 0o7777,
  );
  await writeAtomic(target, data, mode);
}

/** Replaces `link` atomically with `mode`, flushed to the disk (through a symlink, the file it points to is replaced, not the link). */
async function writeAtomic(link: string, data: string | Buffer, mode: number): Promise<void> {
  const path = await realpath(link).catch(() => link);
  await writeFileAtomic(path, data, { mode, sync: true });
}

function render(error: unknown): string {
  if (isKbrunError(error)) return `ERROR! ${error.render()}`;
  return `ERROR! ${(error as Error)?.message ?? String(error)}`;
}
