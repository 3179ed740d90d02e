// Module arguments are checked after templating, so where a playbook gives a typed argument (a boolean, a number,
// a list, a mapping, one of an enum…) it may also give a template that renders to one. The exported schema says so.

type Schema = Record<string, unknown>;

/** What a template in a typed position looks like: a string with `{{` in it. */
const TEMPLATE: Schema = { type: 'string', pattern: '\\{\\{', description: 'A template ({{ … }}), checked once rendered.' };
/** Keywords that keep some strings out even where `type` allows strings. */
const STRING_LIMITS = ['enum', 'const', 'pattern', 'minLength', 'maxLength', 'format', 'not', '$ref'];
/** Annotations that stay on the outer schema when a value schema is wrapped, so editors still show them. */
const ANNOTATIONS = ['description', 'default', 'title', 'examples'];

/** The schema with every value inside it (properties, items, map values, at any depth) also accepting a template; the schema itself keeps its shape. */
export function acceptTemplatesInside(schema: Schema): Schema {
  const out: Schema = { ...schema };
  for (const key of ['properties', 'patternProperties']) {
    const members = schema[key];
    if (isSchema(members)) out[key] = Object.fromEntries(Object.entries(members).map(([name, value]) => [name, isSchema(value) ? acceptTemplate(value) : value]));
  }
  if (isSchema(schema['additionalProperties'])) out['additionalProperties'] = acceptTemplate(schema['additionalProperties']);
  const items = schema['items'];
  if (Array.isArray(items)) out['items'] = items.map((item) => (isSchema(item) ? acceptTemplate(item) : item));
  else if (isSchema(items)) out['items'] = acceptTemplate(items);
  // The members of a union are alternatives for one value: their insides accept templates, the union itself gets the one alternative.
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const members = schema[key];
    if (Array.isArray(members)) out[key] = members.map((member) => (isSchema(member) ? acceptTemplatesInside(member) : member));
  }
  return out;
}

/** A value's schema that also accepts a template, unless it already accepts every string. */
function acceptTemplate(schema: Schema): Schema {
  const inside = acceptTemplatesInside(schema);
  if (acceptsAnyString(inside)) return inside;
  const annotations = Object.fromEntries(ANNOTATIONS.filter((key) => key in inside).map((key) => [key, inside[key]]));
  const rest = Object.fromEntries(Object.entries(inside).filter(([key]) => !ANNOTATIONS.includes(key)));
  return { ...annotations, anyOf: [rest, TEMPLATE] };
}

/** Whether every string is valid against the schema (so a template is too). */
function acceptsAnyString(schema: Schema): boolean {
  const type = schema['type'];
  if (type !== undefined && ![type].flat().includes('string')) return false;
  if (STRING_LIMITS.some((key) => key in schema)) return false;
  const anyOf = [schema['anyOf'], schema['oneOf']].filter(Array.isArray) as unknown[][];
  if (anyOf.some((members) => !members.some((m) => isSchema(m) && acceptsAnyString(m)))) return false;
  const allOf = schema['allOf'];
  return !Array.isArray(allOf) || allOf.every((m) => isSchema(m) && acceptsAnyString(m));
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
