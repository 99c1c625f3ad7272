/**
 * A useful subset of users.list `query` (https://developers.google.com/admin-sdk/directory/v1/guides/search-users):
 * terms joined by spaces (AND), each `field:value` (word or, with a trailing `*`, prefix match) or
 * `field=value` (exact), values optionally quoted; a bare word matches name or email.
 * Fields: email, givenName, familyName, name, isAdmin, isSuspended, isArchived, orgTitle,
 * orgDepartment, orgUnitPath, manager, managerId, directManager, directManagerId, phone, externalId,
 * and custom schema fields as `Schema.Field`. Anything else is Google's 400 "Invalid Input".
 */
import { GoogleApiError } from '../http.js';
import type { DirectoryUserResource } from '../seed/model.js';

export type UserPredicate = (user: DirectoryUserResource) => boolean;

type Lookup = (managerEmail: string) => DirectoryUserResource | undefined;

export function parseUserQuery(query: string, managerOf: Lookup): UserPredicate {
  const terms = tokenize(query);
  const predicates = terms.map((term) => termPredicate(term, query, managerOf));
  return (user) => predicates.every((p) => p(user));
}

interface Term {
  field?: string;
  op: ':' | '=';
  value: string;
}

function tokenize(query: string): Term[] {
  const terms: Term[] = [];
  const pattern = /\s*(?:([\w.]+)\s*([:=])\s*)?(?:'([^']*)'|"([^"]*)"|([^\s'":=]+))/y;
  for (;;) {
    if (query.slice(pattern.lastIndex).trim() === '') return terms;
    const match = pattern.exec(query);
    if (!match) throw invalid(query);
    const value = match[3] ?? match[4] ?? match[5] ?? '';
    terms.push({ ...(match[1] ? { field: match[1] } : {}), op: (match[2] as ':' | '=' | undefined) ?? ':', value });
  }
}

function termPredicate(term: Term, query: string, managerOf: Lookup): UserPredicate {
  const matchText = textMatcher(term);
  const field = term.field;
  if (field === undefined) return (u) => matchText(u.name.fullName) || matchText(u.primaryEmail) || (u.aliases ?? []).some(matchText);
  const bool = (read: (u: DirectoryUserResource) => boolean): UserPredicate => {
    if (term.value !== 'true' && term.value !== 'false') throw invalid(query);
    return (u) => read(u) === (term.value === 'true');
  };
  const manager = (u: DirectoryUserResource) => u.relations?.find((r) => r.type === 'manager')?.value;
  const managerChain = (u: DirectoryUserResource): DirectoryUserResource[] => {
    const chain: DirectoryUserResource[] = [];
    for (let next = manager(u); next !== undefined && chain.length < 64;) {
      const boss = managerOf(next);
      if (!boss || chain.includes(boss)) break;
      chain.push(boss);
      next = manager(boss);
    }
    return chain;
  };
  switch (field) {
    case 'email':
      return (u) => matchText(u.primaryEmail) || (u.aliases ?? []).some(matchText);
    case 'givenName':
      return (u) => matchText(u.name.givenName);
    case 'familyName':
      return (u) => matchText(u.name.familyName);
    case 'name':
      return (u) => matchText(u.name.fullName);
    case 'isAdmin':
      return bool((u) => u.isAdmin);
    case 'isSuspended':
      return bool((u) => u.suspended);
    case 'isArchived':
      return bool((u) => u.archived);
    case 'orgTitle':
      return (u) => (u.organizations ?? []).some((o) => o.title !== undefined && matchText(o.title));
    case 'orgDepartment':
      return (u) => (u.organizations ?? []).some((o) => o.department !== undefined && matchText(o.department));
    case 'orgUnitPath':
      return (u) =>
        u.orgUnitPath.toLowerCase() === term.value.toLowerCase() ||
        u.orgUnitPath.toLowerCase().startsWith(`${term.value.toLowerCase().replace(/\/$/, '')}/`);
    case 'directManager':
      return (u) => {
        const m = manager(u);
        return m !== undefined && matchText(m);
      };
    case 'directManagerId':
      return (u) => {
        const m = manager(u);
        return m !== undefined && managerOf(m)?.id === term.value;
      };
    case 'manager':
      return (u) => managerChain(u).some((m) => matchText(m.primaryEmail));
    case 'managerId':
      return (u) => managerChain(u).some((m) => m.id === term.value);
    case 'phone':
      return (u) => (u.phones ?? []).some((p) => p.value.replace(/\D/g, '').includes(term.value.replace(/\D/g, '')));
    case 'externalId':
      return (u) => (u.externalIds ?? []).some((e) => matchText(e.value));
    default: {
      const [schema, schemaField, ...rest] = field.split('.');
      if (!schema || !schemaField || rest.length > 0) throw invalid(query);
      return (u) => {
        const value = u.customSchemas?.[schema]?.[schemaField];
        return value !== undefined && matchText(String(value));
      };
    }
  }
}

/** `=`: the whole value, case-insensitively; `:`: a word of it (or, ending in `*`, a word's prefix). Compiled once per query. */
function textMatcher(term: Term): (text: string) => boolean {
  const wanted = term.value.toLowerCase();
  if (term.op === '=') return (text) => text.toLowerCase() === wanted;
  const prefix = wanted.endsWith('*');
  const body = (prefix ? wanted.slice(0, -1) : wanted).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(prefix ? `(?:^|[\\s@.])${body}` : `(?:^|[\\s@])${body}(?:$|[\\s@])`, 'iu');
  return (text) => pattern.test(text);
}

function invalid(query: string): GoogleApiError {
  return new GoogleApiError(400, 'invalid', `Invalid Input: ${query}`);
}
