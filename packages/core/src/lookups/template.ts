import { readFileSync } from 'node:fs';
import { locateControllerFile } from '../exec/find-file.js';
import { isMapping, typeName } from '../expr/values.js';
import { templateFileVars } from '../template/template-vars.js';
import { extendVars } from '../vars/extend-vars.js';
import { lookupError, stringTerm } from './lookup-options.js';
import type { LookupSpec } from './lookup-types.js';

const DEFAULTS = { template_vars: {}, convert_data: true, variable_start_string: '{{', variable_end_string: '}}', comment_start_string: null, comment_end_string: null, jinja2_native: false };
/** Options whose non-default values ask for a templating kbrun does not do. */
const FIXED: ReadonlyArray<keyof typeof DEFAULTS> = ['variable_start_string', 'variable_end_string', 'comment_start_string', 'comment_end_string', 'jinja2_native'];

/** `template`: controller template files (searched in `templates/`) rendered with the task's variables and `template_vars`. */
export const templateLookup: LookupSpec = {
  description: "Controller template files (searched in `templates/`) rendered with the task's variables, `template_vars` and Ansible's template_* variables.",
  options: DEFAULTS,
  run: (terms, options, env) => {
    for (const key of FIXED) {
      if (options[key] !== DEFAULTS[key]) throw lookupError('template', `option ${key}=${JSON.stringify(options[key])} is not supported by kbrun (templates use the default delimiters)`);
    }
    const extra = options['template_vars'];
    if (!isMapping(extra)) throw lookupError('template', `template_vars must be a mapping, got ${typeName(extra)}`);
    return terms.map((term) => {
      const name = stringTerm('template', term);
      const path = locateControllerFile(env.searchPath, 'templates', name);
      if (path === undefined) throw lookupError('template', `the template file '${name}' could not be found`, `looked in templates/ and beside the task, role and playbook: ${env.searchPath.join(', ')}`);
      return env.templar.renderText(readFileSync(path, 'utf8'), extendVars(env.vars, { ...templateFileVars(name, path), ...extra }), path);
    });
  },
};
