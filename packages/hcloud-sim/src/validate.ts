// Validation of request bodies with the real API's `invalid_input` answers.

import { invalidField, notFound } from './errors.js';

const MISSING = 'Missing data for required field.';

/** A required or optional string field. */
export function str(body: Record<string, unknown>, field: string, required: true): string;
export function str(body: Record<string, unknown>, field: string, required?: false): string | undefined;
export function str(body: Record<string, unknown>, field: string, required = false): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw invalidField(field, MISSING);
    return undefined;
  }
  if (typeof v !== 'string') throw invalidField(field, 'Not a valid string.');
  return v;
}

/** A required or optional integer field. */
export function int(body: Record<string, unknown>, field: string, required: true): number;
export function int(body: Record<string, unknown>, field: string, required?: false): number | undefined;
export function int(body: Record<string, unknown>, field: string, required = false): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw invalidField(field, MISSING);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidField(field, 'Not a valid integer.');
  return v;
}

/** An optional boolean field. */
export function bool(body: Record<string, unknown>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidField(field, 'Not a valid boolean.');
  return v;
}

/** A required id-or-name reference (number, or string). */
export function ref(body: Record<string, unknown>, field: string, required: true): number | string;
export function ref(body: Record<string, unknown>, field: string, required?: false): number | string | undefined;
export function ref(body: Record<string, unknown>, field: string, required = false): number | string | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw invalidField(field, MISSING);
    return undefined;
  }
  if (typeof v !== 'number' && typeof v !== 'string') throw invalidField(field, 'Not a valid id or name.');
  return v;
}

/** An optional plain object field. */
export function obj(body: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidField(field, 'Not a valid object.');
  return v as Record<string, unknown>;
}

/** An optional array field. */
export function arr(body: Record<string, unknown>, field: string): unknown[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalidField(field, 'Not a valid list.');
  return v;
}

const LABEL_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether a label key is valid: `[prefix/]name`, prefix a DNS subdomain, `hetzner.cloud/` reserved. */
export function validLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (!LABEL_NAME.test(name)) return false;
  if (slash === -1) return true;
  const prefix = key.slice(0, slash);
  if (prefix.length > 253 || prefix === 'hetzner.cloud' || prefix.endsWith('.hetzner.cloud')) return false;
  return prefix.split('.').every((p) => DNS_LABEL.test(p));
}

/** Whether a label value is valid. */
export function validLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** The optional `labels` field, validated like the real API. */
export function labels(body: Record<string, unknown>, field = 'labels'): Record<string, string> | undefined {
  const v = obj(body, field);
  if (!v) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== 'string') throw invalidField(field, `label value of '${key}' must be a string`);
    if (!validLabelKey(key)) throw invalidField(field, `invalid label key '${key}'`);
    if (!validLabelValue(value)) throw invalidField(field, `invalid label value '${value}'`);
    out[key] = value;
  }
  return out;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const RESOURCE_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;

/** A server name: a valid hostname (RFC 1123). */
export function serverName(name: string): string {
  if (!HOSTNAME.test(name)) throw invalidField('name', 'must be a valid hostname');
  return name;
}

/** A volume, network, firewall or load balancer name: alphanumerics, dashes, underscores, dots; up to 64. */
export function resourceName(name: string): string {
  if (!RESOURCE_NAME.test(name)) throw invalidField('name', 'invalid name');
  return name;
}

/** The numeric `:id` of a path, or 404 like the real API. */
export function pathId(raw: string | undefined, kind: string): number {
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) throw notFound(kind, raw ?? '');
  return Number(raw);
}
