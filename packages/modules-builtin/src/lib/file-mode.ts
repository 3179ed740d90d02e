// Ansible-style `mode` arguments: octal strings ('0644'), numbers (YAML 1.1 reads 0644 as 420) and symbolic modes.

/** A `mode` argument as a playbook gives it. */
export type ModeSpec = string | number;

/** A parsed mode: the permission bits it gives a path, from that path's current bits. */
export interface ModeRule {
  apply(current: number, isDirectory: boolean): number;
  /** For `chmod -R`: octal digits, or the symbolic text with an explicit `a` where the user class was omitted. */
  readonly chmodArgument: string;
  /** True for octal modes (the result does not depend on the current bits). */
  readonly absolute: boolean;
}

/** Formats permission bits as Ansible reports them: '0644'. */
export function formatMode(bits: number): string {
  return (bits & 0o7777).toString(8).padStart(4, '0');
}

const CLASS_SHIFT = { u: 6, g: 3, o: 0 } as const;
type ClassLetter = keyof typeof CLASS_SHIFT;

/** Parses a mode argument; returns an error message (Ansible's wording) when it is neither octal nor symbolic. */
export function parseMode(spec: ModeSpec): ModeRule | { error: string } {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0 || spec > 0o7777) return { error: `mode must be in octal or symbolic form (got ${spec})` };
    return octalRule(spec);
  }
  const text = spec.trim();
  const octal = /^(?:0o)?([0-7]{1,5})$/i.exec(text);
  if (octal) {
    const bits = parseInt(octal[1]!, 8);
    if (bits > 0o7777) return { error: `mode must be in octal or symbolic form (got '${spec}')` };
    return octalRule(bits);
  }
  return symbolicRule(text, spec);
}

function octalRule(bits: number): ModeRule {
  return { apply: () => bits, chmodArgument: bits.toString(8).padStart(4, '0'), absolute: true };
}

interface Operation {
  classes: ClassLetter[];
  op: '+' | '-' | '=';
  perms: string;
}

function symbolicRule(text: string, original: string): ModeRule | { error: string } {
  const bad = { error: `mode must be in octal or symbolic form (got '${original}')` };
  const operations: Operation[] = [];
  const normalized: string[] = [];
  for (const clause of text.split(',')) {
    const match = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(clause);
    if (!match) return bad;
    const who = match[1] || 'a';
    const classes = [...new Set((who.includes('a') ? 'ugo' : who).split(''))] as ClassLetter[];
    for (const part of match[2]!.matchAll(/([-+=])([ugo]|[rwxXst]*)/g)) {
      operations.push({ classes, op: part[1] as Operation['op'], perms: part[2]! });
    }
    normalized.push(`${who}${match[2]}`);
  }
  return {
    absolute: false,
    chmodArgument: normalized.join(','),
    apply(current, isDirectory) {
      let mode = current & 0o7777;
      for (const { classes, op, perms } of operations) {
        let bits = 0;
        if (/^[ugo]$/.test(perms)) {
          const source = (mode >> CLASS_SHIFT[perms as ClassLetter]) & 7;
          for (const c of classes) bits |= source << CLASS_SHIFT[c];
        } else {
          for (const p of perms) {
            for (const c of classes) {
              const shift = CLASS_SHIFT[c];
              if (p === 'r') bits |= 4 << shift;
              else if (p === 'w') bits |= 2 << shift;
              else if (p === 'x' || (p === 'X' && (isDirectory || (current & 0o111) !== 0))) bits |= 1 << shift;
              else if (p === 's' && c === 'u') bits |= 0o4000;
              else if (p === 's' && c === 'g') bits |= 0o2000;
              else if (p === 't' && c === 'o') bits |= 0o1000;
            }
          }
        }
        if (op === '+') mode |= bits;
        else if (op === '-') mode &= ~bits;
        else {
          let clear = 0;
          for (const c of classes) clear |= (7 << CLASS_SHIFT[c]) | (c === 'u' ? 0o4000 : c === 'g' ? 0o2000 : 0o1000);
          mode = (mode & ~clear) | bits;
        }
      }
      return mode;
    },
  };
}
