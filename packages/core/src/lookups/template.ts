import { locateControllerFile } from '../exec/find-file.js';
import { isMapping, typeName } from '../expr/values.js';
import { renderTemplateFile } from '../template/render-file.js';
import { lookupError, stringTerm } from './lookup-options.js';
import type { LookupSpec } from './lookup-types.js';

const DEFAULTS = { template_vars: {}, convert_data: true, variable_start_string: '{{', variable_end_string: '}}', comment_start_string: null, comment_end_string: null, jinja2_native: false };

/** `template`: controller template files (searched in `templates/`) rendered with the task's variables and `template_vars`. */
export const templateLookup: LookupSpec = {
  description: "Controller template files (searched in `templates/`) rendered with the task's variables, `template_vars` and Ansible's template_* variables.",
  options: DEFAULTS,
  run: (terms, options, env) => {
    if (options['jinja2_native'] !== false) throw lookupError('template', 'option jinja2_native=true is not supported by kbrun (templates render to text)');
    const extra = options['template_vars'];
    if (!isMapping(extra)) throw lookupError('template', `template_vars must be a mapping, got ${typeName(extra)}`);
    return terms.map((term) => {
      const name = stringTerm('template', term);
      const path = locateControllerFile(env.searchPath, 'templates', name);
      if (path === undefined) throw lookupError('template', `the template file '${name}' could not be found`, `looked in templates/ and beside the task, role and playbook: ${env.searchPath.join(', ')}`);
      const delimiter = (key: string): string | undefined => (typeof options[key] === 'string' ? (options[key] as string) : undefined);
      return renderTemplateFile(path, env.vars, {
        src: name,
        extraVars: extra,
        searchPath: env.searchPath,
        syntax: {
          variableStart: delimiter('variable_start_string'),
          variableEnd: delimiter('variable_end_string'),
          commentStart: delimiter('comment_start_string'),
          commentEnd: delimiter('comment_end_string'),
        },
      });
    });
  },
};
