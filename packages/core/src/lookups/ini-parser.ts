// A reader of INI files with the rules of Python's configparser (what Ansible's `ini` lookup uses).

/** One section: option name → value (null for an option without a value, when allowed). */
export type IniSection = Map<string, string | null>;

/** A parsed INI file: the DEFAULT section's values and the named sections, in file order. */
export interface IniFile {
  defaults: IniSection;
  sections: Map<string, IniSection>;
}

/** Parsing choices: option names kept as written (`caseSensitive`) or lowercased; options without `=` allowed. */
export interface IniOptions {
  caseSensitive: boolean;
  allowNoValue: boolean;
}

const SECTION = /^\[(.+)\]$/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/** Parses INI text; throws an Error naming the line for a missing section header or a duplicate section or option. */
export function parseIni(text: string, options: IniOptions): IniFile {
  const file: IniFile = { defaults: new Map(), sections: new Map() };
  let section: IniSection | undefined;
  let sectionName = '';
  let current: { name: string; lines: Array<string> | null; indent: number } | undefined;
  const finish = () => {
    if (current && section) section.set(current.name, current.lines === null ? null : current.lines.join('\n').replace(/\s+$/, ''));
    current = undefined;
  };
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((line, index) => {
    const stripped = line.trim();
    const indent = line.length - line.trimStart().length;
    if (stripped === '' || /^[#;]/.test(stripped)) {
      // An empty line may belong to a multi-line value (configparser keeps it when more indented lines follow).
      if (stripped === '' && current?.lines) current.lines.push('');
      return;
    }
    if (current && current.lines && indent > current.indent) {
      current.lines.push(stripped);
      return;
    }
    finish();
    const header = SECTION.exec(stripped);
    if (header) {
      sectionName = header[1]!;
      if (sectionName === 'DEFAULT') section = file.defaults;
      else {
        if (file.sections.has(sectionName)) throw new Error(`section '${sectionName}' appears twice (line ${index + 1})`);
        section = new Map();
        file.sections.set(sectionName, section);
      }
      return;
    }
    if (!section) throw new Error(`line ${index + 1} comes before any [section] header: ${JSON.stringify(line)}`);
    const option = OPTION.exec(stripped);
    let name: string;
    let value: string | null;
    if (option && option[1] !== '') [name, value] = [option[1]!, option[3]!];
    else if (options.allowNoValue) [name, value] = [stripped, null];
    else throw new Error(`line ${index + 1} is neither a section, an option (key = value) nor a comment: ${JSON.stringify(line)}`);
    const key = options.caseSensitive ? name.trimEnd() : name.trimEnd().toLowerCase();
    if (section.has(key)) throw new Error(`option '${key}' in section '${sectionName}' appears twice (line ${index + 1})`);
    section.set(key, null);
    current = { name: key, lines: value === null ? null : [value], indent };
  });
  finish();
  return file;
}

/** `%(name)s` references replaced by the section's (or DEFAULT's) values and `%%` by `%`, as configparser's BasicInterpolation. */
export function interpolate(value: string, lookup: (name: string) => string | null | undefined, depth = 0): string {
  if (depth > 10) throw new Error(`interpolation is nested too deeply in ${JSON.stringify(value)}`);
  return value.replace(/%(%|\((.*?)\)s|.?)/g, (whole, _all: string, name: string | undefined) => {
    if (whole === '%%') return '%';
    if (name === undefined) throw new Error(`'%' must be followed by '%' or '(name)s' in ${JSON.stringify(value)}`);
    const found = lookup(name.toLowerCase()) ?? lookup(name);
    if (found === undefined || found === null) throw new Error(`bad interpolation: no option '${name}' for ${JSON.stringify(value)}`);
    return interpolate(found, lookup, depth + 1);
  });
}
