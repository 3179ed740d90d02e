import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../src/template/templar.js';

// Each file of ansible-cases/ is one family of filters or tests: expressions with what ansible-core 2.14 printed for
// each ("@{{ expr }}", the '@' dropped) or the fact that it failed, recorded live by ansible-cases/record.py.
// kbrun must print the same text, or fail too; a `kbrun` entry records a deliberate difference and says why.

interface Outcome {
  text?: string;
  error?: string;
}

interface Case extends Outcome {
  expr: string;
  kbrun?: Outcome & { why: string };
}

const dir = new URL('./ansible-cases/', import.meta.url);
const templar = new Templar();

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const { vars, cases } = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { vars: Record<string, unknown>; cases: Case[] };
  describe(`as Ansible: ${file.replace(/\.json$/, '')}`, () => {
    it.each(cases.map((c) => [c.expr, c] as const))('%s', (_expr, c) => {
      const render = (): unknown => templar.render(`@{{ ${c.expr} }}`, vars);
      const expected = c.kbrun ?? c;
      if (expected.error !== undefined) expect(render).toThrow();
      else expect((render() as string).slice(1)).toBe(expected.text);
    });
  });
}
