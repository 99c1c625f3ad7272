/**
 * Google's partial-response `fields` parameter (`nextPageToken,users(id,name/fullName)`), applied
 * to a whole response the way Google does: a mask without `nextPageToken` drops it, and paging
 * clients then silently stop after one page — the trap the sync must avoid, reproduced faithfully.
 */
import { GoogleApiError } from './http.js';

/** `true`: keep the whole value; a map: keep only these members (applied to each array element). */
export type FieldMask = Map<string, FieldMask | true>;

export function parseFieldMask(expression: string): FieldMask {
  let pos = 0;
  const fail = (): never => {
    throw new GoogleApiError(400, 'invalidParameter', `Invalid field selection ${expression}`);
  };
  const parseList = (): FieldMask => {
    const mask: FieldMask = new Map();
    for (;;) {
      parseItem(mask);
      if (expression[pos] !== ',') return mask;
      pos++;
    }
  };
  const parseItem = (into: FieldMask) => {
    const path: string[] = [];
    for (;;) {
      const start = pos;
      while (pos < expression.length && /[\w*@.$-]/.test(expression[pos]!)) pos++;
      if (pos === start) fail();
      path.push(expression.slice(start, pos).trim());
      if (expression[pos] !== '/') break;
      pos++;
    }
    let leaf: FieldMask | true = true;
    if (expression[pos] === '(') {
      pos++;
      leaf = parseList();
      if (expression[pos] !== ')') fail();
      pos++;
    }
    let node = into;
    path.forEach((name, i) => {
      if (i === path.length - 1) {
        node.set(name, merge(node.get(name), leaf));
        return;
      }
      const next = node.get(name);
      if (next === true) return;
      const child: FieldMask = next ?? new Map();
      node.set(name, child);
      node = child;
    });
  };
  const mask = parseList();
  if (pos !== expression.length) fail();
  return mask;
}

function merge(existing: FieldMask | true | undefined, leaf: FieldMask | true): FieldMask | true {
  if (existing === undefined) return leaf;
  if (existing === true || leaf === true) return true;
  for (const [key, value] of leaf) existing.set(key, merge(existing.get(key), value));
  return existing;
}

export function applyFieldMask(value: unknown, mask: FieldMask | true): unknown {
  if (mask === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => applyFieldMask(item, mask));
  if (mask.has('*')) return value;
  // Members keep the resource's order, not the mask's, as in Google's partial responses.
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const sub = mask.get(key);
    if (sub !== undefined && member !== undefined) out[key] = applyFieldMask(member, sub);
  }
  return out;
}

/** Applies the request's `fields` parameter, if any. */
export function withFields(body: unknown, fields: string | null): unknown {
  return fields ? applyFieldMask(body, parseFieldMask(fields)) : body;
}
