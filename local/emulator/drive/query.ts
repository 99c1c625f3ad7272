/**
 * Drive's `q` search language, the subset the web client and common callers use: terms on name,
 * fullText, mimeType, trashed, starred and parents, joined by and/or/not with parentheses.
 * Anything else is Google's 400 "Invalid Value" on q, so a client never relies on an unsupported form.
 */
import { GoogleApiError } from '../http.js';

export interface Searchable {
  readonly id: string;
  readonly name: string;
  readonly mimeType: string;
  readonly trashed: boolean;
  readonly starred: boolean;
  readonly parents: readonly string[];
  /** Text fullText matches besides the name (a file's content, in Google). */
  readonly text: string;
}

type Test = (file: Searchable) => boolean;

const invalid = (): never => {
  throw new GoogleApiError(400, 'invalid', 'Invalid Value');
};

function tokenize(q: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= q.length) invalid();
        const ch = q[i]!;
        if (ch === '\\') {
          value += q[i + 1] ?? invalid();
          i += 2;
          continue;
        }
        if (ch === "'") {
          i++;
          break;
        }
        value += ch;
        i++;
      }
      tokens.push(`'${value}`); // a leading quote marks a string literal
      continue;
    }
    const op = /^(!=|<=|>=|=|<|>|\(|\))/.exec(q.slice(i));
    if (op) {
      tokens.push(op[1]!);
      i += op[1]!.length;
      continue;
    }
    const word = /^[A-Za-z_][\w.]*/.exec(q.slice(i));
    if (!word) invalid();
    tokens.push(word![0]);
    i += word![0].length;
  }
  return tokens;
}

export function parseDriveQuery(q: string): Test {
  const tokens = tokenize(q);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++] ?? invalid();
  const literal = (): string => {
    const token = next();
    return token.startsWith("'") ? token.slice(1) : invalid();
  };
  const boolean = (): boolean => {
    const token = next().toLowerCase();
    return token === 'true' ? true : token === 'false' ? false : invalid();
  };

  const term = (): Test => {
    const token = peek();
    if (token === '(') {
      pos++;
      const inner = disjunction();
      if (next() !== ')') invalid();
      return inner;
    }
    if (token?.toLowerCase() === 'not') {
      pos++;
      const inner = term();
      return (f) => !inner(f);
    }
    if (token?.startsWith("'")) {
      const value = literal();
      if (next().toLowerCase() !== 'in') invalid();
      if (next() !== 'parents') invalid();
      return (f) => f.parents.includes(value);
    }
    const field = next();
    const op = next();
    switch (field) {
      case 'name':
      case 'fullText': {
        const value = literal();
        const text = (f: Searchable) => (field === 'name' ? f.name : `${f.name} ${f.text}`).toLowerCase();
        if (op === 'contains') return (f) => text(f).includes(value.toLowerCase());
        if (field === 'name' && op === '=') return (f) => f.name === value;
        if (field === 'name' && op === '!=') return (f) => f.name !== value;
        return invalid();
      }
      case 'mimeType': {
        const value = literal();
        if (op === '=') return (f) => f.mimeType === value;
        if (op === '!=') return (f) => f.mimeType !== value;
        if (op === 'contains') return (f) => f.mimeType.includes(value);
        return invalid();
      }
      case 'trashed':
      case 'starred': {
        const value = boolean();
        if (op === '=') return (f) => f[field] === value;
        if (op === '!=') return (f) => f[field] !== value;
        return invalid();
      }
      default:
        return invalid();
    }
  };
  const conjunction = (): Test => {
    const parts = [term()];
    while (peek()?.toLowerCase() === 'and') {
      pos++;
      parts.push(term());
    }
    return (f) => parts.every((p) => p(f));
  };
  const disjunction = (): Test => {
    const parts = [conjunction()];
    while (peek()?.toLowerCase() === 'or') {
      pos++;
      parts.push(conjunction());
    }
    return (f) => parts.some((p) => p(f));
  };
  if (tokens.length === 0) return () => true;
  const test = disjunction();
  if (pos !== tokens.length) invalid();
  return test;
}
