// The compatibility cases: a playbook and the command-line options it runs with, in both tools.
export const CASES = [
  { name: 'semantics', playbook: 'semantics.yml', args: [] },
  { name: 'check-mode', playbook: 'check-mode.yml', args: ['--check'] },
];
