import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_FLAG_OPTIONS, configFlagUsage, parseConfigFlags } from '../../src/config/index.js';

/** Parses argv as the CLI does: the settings flags plus a command flag of its own. */
function flagsOf(...args: string[]) {
  const { values } = parseArgs({ args, strict: true, allowPositionals: true, options: { ...CONFIG_FLAG_OPTIONS, check: { type: 'boolean', short: 'C' } } });
  return parseConfigFlags(values);
}

function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('settings flags', () => {
  it('gives only the settings that were passed, typed', () => {
    expect(flagsOf()).toEqual({ flags: {}, explicitFile: undefined });
    expect(flagsOf('-f', '8', '--output', 'json', '--connect-timeout', '2.5', '--task-timeout', '60', '-C')).toEqual({
      flags: { forks: 8, output: 'json', connect_timeout: 2.5, task_timeout: 60 },
      explicitFile: undefined,
    });
  });

  it('reads --config', () => {
    expect(flagsOf('--config', 'ops/kbrun.config.yaml').explicitFile).toBe('ops/kbrun.config.yaml');
  });

  it('takes one inventory source per -i, without splitting host lists', () => {
    expect(flagsOf('-i', 'inventory/hosts.yml', '--inventory', 'web1,web2,').flags.inventory).toEqual(['inventory/hosts.yml', 'web1,web2,']);
  });

  it('has switches for booleans and presets', () => {
    expect(flagsOf('--no-color').flags).toEqual({ color: 'never' });
    expect(flagsOf('--color', 'always').flags).toEqual({ color: 'always' });
    expect(flagsOf('--color', 'never', '--no-color').flags).toEqual({ color: 'never' });
    expect(flagsOf('--retry-files').flags).toEqual({ retry_files: true });
    expect(flagsOf('--no-retry-files').flags).toEqual({ retry_files: false });
  });

  it('refuses contradicting flags', () => {
    const error = thrown(() => flagsOf('--color', 'always', '--no-color'));
    expect(error.code).toBe('E_CLI_OPTION');
    expect(error.message).toBe('--no-color contradicts --color');
    expect(thrown(() => flagsOf('--retry-files', '--no-retry-files')).code).toBe('E_CLI_OPTION');
  });

  it('refuses a bad value with E_CLI_OPTION naming the flag', () => {
    const cases: Array<[string[], string]> = [
      [['--forks', 'lots'], "--forks expects an integer of at least 1, got 'lots'"],
      [['-f', '0'], '--forks expects an integer of at least 1, got 0'],
      [['--output', 'yaml'], "--output expects 'text' or 'json', got 'yaml'"],
      [['--color', 'sometimes'], "--color expects 'auto', 'always' or 'never', got 'sometimes'"],
      [['-i', ''], "--inventory expects a list of non-empty strings, got '' (item 1)"],
    ];
    for (const [args, message] of cases) {
      const error = thrown(() => flagsOf(...args));
      expect(error.code).toBe('E_CLI_OPTION');
      expect(error.message).toBe(message);
    }
  });

  it('describes the flags for --help, from the table', () => {
    const usage = configFlagUsage();
    const lines = usage.split('\n');
    const column = lines[0]!.indexOf('settings file');
    expect(lines.every((line) => line[column - 1] === ' ' && line[column] !== ' ')).toBe(true);
    expect(usage).toMatch(/^ {2}-f, --forks N +hosts a task runs on at the same time \(default 50\)$/m);
    expect(usage).toMatch(/^ {2}-i, --inventory SOURCE +inventory files, directories or host lists \(a,b,\); repeatable$/m);
    expect(usage).toMatch(/^ {2}-T, --connect-timeout SECONDS +seconds to wait for a connection \(default 10\)$/m);
    expect(usage).toMatch(/^ {6}--no-color +same as --color never$/m);
    expect(usage).toMatch(/^ {6}--no-retry-files +the opposite of --retry-files$/m);
    expect(usage).not.toContain('--max-sessions');
    expect(configFlagUsage(40).split('\n')[0]).toMatch(/^ {6}--config FILE {23}settings file/);
  });
});
