// List endpoints: `name`, `label_selector` and other filters, `sort`, and pagination with `meta.pagination` and `Link`.

import { invalidField } from './errors.js';
import { LabelSelectorError, matchesSelector, parseLabelSelector } from './label-selector.js';
import type { RouteContext, RouteResult } from './router.js';

/** How one collection is listed. */
export interface ListSpec<T> {
  /** Root key of the answer (`servers`). */
  key: string;
  items: readonly T[];
  render: (item: T) => unknown;
  /** Sortable fields and how to read them; `id` is always allowed. */
  sortFields?: Record<string, (item: T) => string | number | null>;
  /** Supports `name=` (exact match). */
  name?: (item: T) => string | null;
  /** Supports `label_selector=`. */
  labels?: (item: T) => Record<string, string>;
  /** Other filters by query parameter; each gets every value given for it. */
  filters?: Record<string, (item: T, values: string[]) => boolean>;
  id: (item: T) => number;
}

/** Default and maximum page sizes of the real API. */
export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 50;

function positiveInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalidField(name, 'must be a positive integer');
  return Number(raw);
}

function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** Filter, sort and paginate `spec.items` according to the query; answer in the API's list shape. */
export function listAnswer<T>(ctx: RouteContext, spec: ListSpec<T>): RouteResult {
  const q = ctx.query;
  let items = [...spec.items];

  const name = q.get('name');
  if (name !== null && spec.name) items = items.filter((item) => spec.name?.(item) === name);

  const selector = q.get('label_selector');
  if (selector !== null && spec.labels) {
    let terms;
    try {
      terms = parseLabelSelector(selector);
    } catch (error) {
      if (error instanceof LabelSelectorError) throw invalidField('label_selector', error.message);
      throw error;
    }
    items = items.filter((item) => matchesSelector(spec.labels?.(item) ?? {}, terms));
  }

  for (const [param, filter] of Object.entries(spec.filters ?? {})) {
    const values = q.getAll(param).flatMap((v) => v.split(',')).filter((v) => v !== '');
    if (values.length > 0) items = items.filter((item) => filter(item, values));
  }

  const fields: Record<string, (item: T) => string | number | null> = { id: spec.id, ...spec.sortFields };
  const sorts = q.getAll('sort').flatMap((s) => s.split(',')).filter((s) => s !== '');
  const keys = sorts.map((s) => {
    const [field = '', dir = 'asc'] = s.split(':');
    const read = fields[field];
    if (!read || (dir !== 'asc' && dir !== 'desc')) throw invalidField('sort', `invalid sort value '${s}'`);
    return { read, sign: dir === 'desc' ? -1 : 1 };
  });
  keys.push({ read: spec.id, sign: 1 });
  items.sort((a, b) => {
    for (const k of keys) {
      const c = compare(k.read(a), k.read(b)) * k.sign;
      if (c !== 0) return c;
    }
    return 0;
  });

  const page = positiveInt(q, 'page', 1);
  const perPage = Math.min(positiveInt(q, 'per_page', DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const pagination = {
    page,
    per_page: perPage,
    previous_page: page > 1 ? page - 1 : null,
    next_page: page < lastPage ? page + 1 : null,
    last_page: lastPage,
    total_entries: total,
  };
  return {
    status: 200,
    body: { [spec.key]: slice.map(spec.render), meta: { pagination } },
    headers: linkHeader(ctx.url, pagination),
  };
}

function linkHeader(
  url: URL,
  p: { per_page: number; previous_page: number | null; next_page: number | null; last_page: number },
): Record<string, string> {
  const at = (page: number): string => {
    const u = new URL(url.href);
    u.searchParams.set('page', String(page));
    u.searchParams.set('per_page', String(p.per_page));
    return `<${u.href}>`;
  };
  const links: string[] = [];
  if (p.previous_page !== null) links.push(`${at(p.previous_page)}; rel="prev"`);
  if (p.next_page !== null) links.push(`${at(p.next_page)}; rel="next"`);
  links.push(`${at(p.last_page)}; rel="last"`);
  return { Link: links.join(', ') };
}
