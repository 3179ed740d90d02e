// Writes the tables of docs/ansible-compatibility.md (keywords, lookups, magic variables, filters, tests) and docs/configuration.md (settings) from the code,
// so each table has one source. Usage: node scripts/docs-tables.mjs [--check]  (--check: exit 1 when a doc is stale)
import { readFileSync, writeFileSync } from 'node:fs';
import { FILTER_SPECS, KEYWORDS, LOOKUPS, MAGIC_VARIABLES, TEST_SPECS, UNSUPPORTED_LOOKUPS } from '@kbrun/core';
import { DEFAULT_CONFIG, SETTINGS } from '@kbrun/cli';

const STATUS = { supported: 'supported', planned: 'planned', unsupported: 'not supported' };
const cell = (text) => String(text).replace(/\|/g, '\\|');

/** Every play and task keyword with its status in kbrun. */
function keywordTable() {
  const lines = ['| keyword | play | task | kbrun | notes |', '|---|---|---|---|---|'];
  for (const k of [...KEYWORDS].sort((a, b) => a.name.localeCompare(b.name))) {
    const note = k.status === 'unsupported' ? k.reason : k.description;
    const def = k.default === undefined ? '' : ` Default: \`${JSON.stringify(k.default)}\`.`;
    lines.push(`| \`${k.name}\` | ${k.scopes.includes('play') ? '✓' : ''} | ${k.scopes.includes('task') ? '✓' : ''} | ${STATUS[k.status]} | ${cell(note)}${def} |`);
  }
  return lines.join('\n');
}

/** Every lookup of ansible-core 2.14's builtin namespace: kbrun's status, options and what it gives. */
function lookupTable() {
  const lines = ['| lookup | kbrun | options | what it gives |', '|---|---|---|---|'];
  const rows = [
    ...Object.entries(LOOKUPS).map(([name, spec]) => [name, spec.secret ? 'supported (secret: redacted under `no_log` or a secret-named variable)' : 'supported', Object.keys(spec.options).map((o) => `\`${o}\``).join(', '), spec.description]),
    ...Object.entries(UNSUPPORTED_LOOKUPS).map(([name, reason]) => [name, 'not supported', '', reason]),
  ];
  for (const [name, status, options, text] of rows.sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`| \`${name}\` | ${status} | ${options} | ${cell(text)} |`);
  return lines.join('\n');
}

/** Every special variable of ansible-core 2.14 and what kbrun sets. */
function magicVariableTable() {
  const lines = ['| variable | kbrun | value |', '|---|---|---|'];
  for (const v of [...MAGIC_VARIABLES].sort((a, b) => a.name.localeCompare(b.name))) lines.push(`| \`${v.name}\` | ${v.status} | ${cell(v.note)} |`);
  return lines.join('\n');
}

const ORIGIN = { jinja2: 'Jinja2', ansible: 'Ansible', 'community.general': 'community.general', kbrun: 'kbrun only' };

/** A table of a filter or test registry: name, where it comes from, kbrun's status and what it does. */
function registryTable(kind, specs) {
  const lines = [`| ${kind} | from | kbrun | what it does |`, '|---|---|---|---|'];
  for (const name of Object.keys(specs).sort()) {
    const spec = specs[name];
    lines.push(`| \`${cell(name)}\` | ${ORIGIN[spec.origin]} | supported | ${cell(spec.description)} |`);
  }
  return lines.join('\n');
}

/** Every filter of ansible-core 2.14's builtin namespace and of Jinja2's builtins, from the filter registry. */
function filterTable() {
  return registryTable('filter', FILTER_SPECS);
}

/** Every test of ansible-core 2.14's builtin namespace and of Jinja2's builtins, from the test registry. */
function testTable() {
  return registryTable('test', TEST_SPECS);
}

/** Every setting: its key in kbrun.config.yaml, variable, flag, default and meaning. */
function settingsTable() {
  const lines = ['| setting | environment | flag | default | meaning |', '|---|---|---|---|---|'];
  for (const [key, spec] of Object.entries(SETTINGS)) {
    const flag = spec.flag ? `\`--${spec.flag.name}\`${spec.flag.short ? ` / \`-${spec.flag.short}\`` : ''}` : '';
    lines.push(`| \`${key}\` | \`${spec.env}\` | ${flag} | \`${JSON.stringify(DEFAULT_CONFIG[key])}\` | ${cell(spec.description)} |`);
  }
  return lines.join('\n');
}

const DOCS = [
  { file: new URL('../docs/ansible-compatibility.md', import.meta.url), marker: 'keywords', table: keywordTable },
  { file: new URL('../docs/ansible-compatibility.md', import.meta.url), marker: 'lookups', table: lookupTable },
  { file: new URL('../docs/ansible-compatibility.md', import.meta.url), marker: 'magic-variables', table: magicVariableTable },
  { file: new URL('../docs/ansible-compatibility.md', import.meta.url), marker: 'filters', table: filterTable },
  { file: new URL('../docs/ansible-compatibility.md', import.meta.url), marker: 'tests', table: testTable },
  { file: new URL('../docs/configuration.md', import.meta.url), marker: 'settings', table: settingsTable },
];

let stale = false;
for (const doc of DOCS) {
  const [start, end] = [`<!-- ${doc.marker}:start -->`, `<!-- ${doc.marker}:end -->`];
  const text = readFileSync(doc.file, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`${doc.file.pathname} lacks the ${start} … ${end} markers`);
  const updated = `${text.slice(0, from + start.length)}\n${doc.table()}\n${text.slice(to)}`;
  if (updated === text) continue;
  if (process.argv.includes('--check')) {
    console.error(`${doc.file.pathname} is out of date: run node scripts/docs-tables.mjs`);
    stale = true;
  } else writeFileSync(doc.file, updated);
}
process.exit(stale ? 1 : 0);
