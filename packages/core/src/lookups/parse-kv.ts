/** Words of a lookup term: split on whitespace, quoted parts kept whole (quotes included). */
function words(text: string): string[] {
  return text.match(/(?:[^\s"']+|"[^"]*"?|'[^']*'?)+/g) ?? [];
}

function unquote(value: string): string {
  return value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) ? value.slice(1, -1) : value;
}

/**
 * Ansible's `parse_kv` for inline lookup options: `key=value` words (values may be quoted) become options, the other
 * words joined by a space become `_raw_params` (the file name, search key or password path).
 */
export function parseKv(text: string): Record<string, string> {
  const options: Record<string, string> = Object.create(null) as Record<string, string>;
  const raw: string[] = [];
  for (const word of words(text)) {
    let at = word.indexOf('=', 1);
    while (at > 0 && word[at - 1] === '\\') at = word.indexOf('=', at + 1);
    if (at > 0) options[word.slice(0, at).trim()] = unquote(word.slice(at + 1).trim());
    else raw.push(word.replace(/\\=/g, '='));
  }
  if (raw.length > 0) options['_raw_params'] = raw.join(' ');
  return options;
}
