/** An inventory of N local-connection hosts `h1…hN` in group `nodes` (split into `even`/`odd` subgroups). */
export function localInventory(count: number, extra = ''): string {
  const lines = ['all:', '  vars:', '    ansible_connection: local', '  children:', '    nodes:', '      children:', '        odd:', '          hosts:'];
  for (let i = 1; i <= count; i += 2) lines.push(`            h${i}:`);
  lines.push('        even:', '          hosts:');
  for (let i = 2; i <= count; i += 2) lines.push(`            h${i}:`);
  return `${lines.join('\n')}\n${extra}`;
}
