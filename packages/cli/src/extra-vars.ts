import { resolve } from 'node:path';
import { KbrunError, parseYaml, readVarsFile, shellSplit } from '@kbrun/core';

/** Parses one `-e` value: `key=value …`, a JSON/YAML mapping `{…}`, or `@file.yml`. */
export async function parseExtraVars(value: string): Promise<Record<string, unknown>> {
  const text = value.trim();
  if (text.startsWith('@')) return readVarsFile(resolve(text.slice(1)));
  if (text.startsWith('{')) {
    try {
      // A YAML flow mapping read as Ansible reads YAML (`{env: prod, debug: yes}`); JSON is a subset of YAML.
      const [parsed] = parseYaml(text, '<-e>');
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through to the error below
    }
    throw new KbrunError('E_CLI_OPTION', `-e '${text}' is not a YAML/JSON mapping`, { hint: `write -e '{key: value}', -e '{"key": "value"}' or -e key=value` });
  }
  const vars: Record<string, unknown> = {};
  for (const word of shellSplit(text)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new KbrunError('E_CLI_OPTION', `-e '${word}' is not key=value`, { hint: 'write -e name=value, -e \'{"name": "value"}\' or -e @vars.yml' });
    vars[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return vars;
}
