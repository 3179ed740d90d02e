// Writes the keyword table of docs/ansible-compatibility.md from the engine's keyword table (one source).
// Usage: node scripts/keyword-table.mjs [--check]   (--check: exit 1 when the doc is out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import { KEYWORDS } from '@kbrun/core';

const DOC = new URL('../docs/ansible-compatibility.md', import.meta.url);
const START = '<!-- keywords:start -->';
const END = '<!-- keywords:end -->';

const STATUS = { supported: 'supported', planned: 'planned', unsupported: 'not supported' };

/** The Markdown table of every keyword, plays first, then tasks. */
export function keywordTable() {
  const rows = [...KEYWORDS].sort((a, b) => a.name.localeCompare(b.name));
  const lines = ['| keyword | play | task | kbrun | notes |', '|---|---|---|---|---|'];
  for (const k of rows) {
    const note = k.status === 'unsupported' ? k.reason : k.description;
    const def = k.default === undefined ? '' : ` Default: \`${JSON.stringify(k.default)}\`.`;
    lines.push(`| \`${k.name}\` | ${k.scopes.includes('play') ? '✓' : ''} | ${k.scopes.includes('task') ? '✓' : ''} | ${STATUS[k.status]} | ${note.replace(/\|/g, '\\|')}${def} |`);
  }
  return lines.join('\n');
}

const text = readFileSync(DOC, 'utf8');
const start = text.indexOf(START);
const end = text.indexOf(END);
if (start < 0 || end < 0) throw new Error(`${DOC.pathname} lacks the ${START} … ${END} markers`);
const updated = `${text.slice(0, start + START.length)}\n${keywordTable()}\n${text.slice(end)}`;
if (process.argv.includes('--check')) {
  if (updated !== text) {
    console.error('docs/ansible-compatibility.md is out of date: run node scripts/keyword-table.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(DOC, updated);
}
