import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { defineModule, readVarsFile } from '@kbrun/core';
import { compilePythonRegex } from '../lib/python-regex.js';

/** Arguments of `include_vars`. */
export interface IncludeVarsArgs {
  file?: string;
  dir?: string;
  name?: string;
  extensions?: string[];
  files_matching?: string;
  ignore_files?: string[];
  depth?: number;
}

/** `include_vars`: loads variables from YAML/JSON files on the controller, like ansible.builtin.include_vars. */
export const includeVars = defineModule<IncludeVarsArgs>({
  name: 'include_vars',
  description: 'Loads variables from a YAML or JSON file on the controller (or every such file of a directory, in name order) into the host\'s variables.',
  check: 'full',
  freeForm: 'file',
  facts: 'templated',
  schema: {
    type: 'object',
    properties: {
      file: { type: 'string', description: 'The vars file (looked up in role vars/ first, then the playbook directory).' },
      dir: { type: 'string', description: 'A directory whose vars files are all loaded, sorted by path (instead of file).' },
      name: { type: 'string', description: 'Put all loaded variables under this one variable instead of at the top level.' },
      extensions: { type: 'array', items: { type: 'string' }, default: ['json', 'yaml', 'yml'], description: 'With dir: the file extensions loaded.' },
      files_matching: { type: 'string', description: 'With dir: only load files whose name matches this regular expression.' },
      ignore_files: { type: 'array', items: { type: 'string' }, description: 'With dir: file names to skip.' },
      depth: { type: 'integer', minimum: 0, default: 0, description: 'With dir: how deep to descend (0 = no limit).' },
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    if ((args.file === undefined) === (args.dir === undefined)) return { failed: true, changed: false, msg: 'one of file or dir is required (not both)' };
    let matching: RegExp | undefined;
    if (args.files_matching !== undefined) {
      const compiled = compilePythonRegex(args.files_matching);
      if ('error' in compiled) return { failed: true, changed: false, msg: compiled.error };
      matching = compiled.regex;
    }
    let files: string[];
    try {
      if (args.file !== undefined) files = [ctx.findFile('vars', args.file)];
      else {
        const root = ctx.findFile('vars', args.dir!);
        if (!(await stat(root)).isDirectory()) return { failed: true, changed: false, msg: `${args.dir} directory does not exist` };
        const extensions = new Set((args.extensions ?? ['json', 'yaml', 'yml']).map((e) => `.${e.replace(/^\./, '')}`));
        const ignored = new Set(args.ignore_files ?? []);
        files = (await listFiles(root, args.depth ?? 0)).filter((path) => {
          const name = basename(path);
          return extensions.has(extname(name)) && !ignored.has(name) && (!matching || matching.exec(name) !== null);
        });
      }
    } catch (error) {
      return { failed: true, changed: false, msg: `Could not find or access '${args.file ?? args.dir}': ${(error as Error).message}` };
    }
    const vars: Record<string, unknown> = {};
    for (const path of files) {
      try {
        Object.assign(vars, await readVarsFile(path));
      } catch (error) {
        return { failed: true, changed: false, msg: (error as Error).message, ansible_included_var_files: files };
      }
    }
    return { changed: false, ansible_facts: args.name === undefined ? vars : { [args.name]: vars }, ansible_included_var_files: files };
  },
});

// Every file below `root` in path order; depth 0 means no limit, 1 only the directory itself.
async function listFiles(root: string, depth: number, level = 1): Promise<string[]> {
  const entries = (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) {
      if (depth === 0 || level < depth) files.push(...(await listFiles(path, depth, level + 1)));
    } else {
      files.push(path);
    }
  }
  return files;
}
