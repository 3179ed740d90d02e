// The compatibility cases: a playbook and the command-line options it runs with, in both tools.
export const CASES = [
  { name: 'semantics', playbook: 'semantics.yml', args: [] },
  { name: 'check-mode', playbook: 'check-mode.yml', args: ['--check'] },
  { name: 'blocks', playbook: 'blocks.yml', args: [] },
  { name: 'handlers', playbook: 'handlers.yml', args: [] },
  { name: 'serial', playbook: 'serial.yml', args: [] },
  { name: 'fatal', playbook: 'fatal.yml', args: [] },
  { name: 'delegation', playbook: 'delegation.yml', args: [] },
  { name: 'tags', playbook: 'tags.yml', args: ['--tags', 'setup', '--skip-tags', 'slow'] },
  { name: 'roles', playbook: 'roles.yml', args: [] },
  { name: 'lookups', playbook: 'lookups.yml', args: [] },
  { name: 'loops', playbook: 'loops.yml', args: [] },
  { name: 'magic-vars', playbook: 'magic-vars.yml', args: ['--forks', '5', '--tags', 'all,magic', '--skip-tags', 'never_run'] },
  { name: 'templates', playbook: 'templates.yml', args: [] },
  { name: 'filters', playbook: 'filters.yml', args: [] },
  { name: 'role-idioms', playbook: 'role-idioms.yml', args: [] },
];
