/** Schema properties `command` and `shell` share (Ansible's names and defaults). */
export const commandOptionProperties: Record<string, Record<string, unknown>> = {
  chdir: { type: 'string', description: 'Change into this directory on the target before running the command.' },
  creates: { type: 'string', description: 'A path or glob on the target; when it matches, the command is not run.' },
  removes: { type: 'string', description: 'A path or glob on the target; when it does not match, the command is not run.' },
  stdin: { type: 'string', description: 'Text written to the command\'s standard input.' },
  stdin_add_newline: { type: 'boolean', default: true, description: 'Append a newline to `stdin`.' },
  strip_empty_ends: { type: 'boolean', default: true, description: 'Strip trailing newlines from stdout and stderr.' },
};
