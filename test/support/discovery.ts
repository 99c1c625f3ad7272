/**
 * Google's Discovery documents (test/fixtures/discovery/, trimmed to the emulated methods) and a
 * checker for an answer against a method's response schema: every field of the declared type and
 * format (int64 as a decimal string, date-time as RFC 3339, …), required members present, and no
 * member the schema does not declare.
 */
import { readFileSync } from 'node:fs';

export interface DiscoverySchema {
  readonly type?: string;
  readonly format?: string;
  readonly $ref?: string;
  readonly required?: boolean;
  readonly enum?: readonly string[];
  readonly items?: DiscoverySchema;
  readonly properties?: Readonly<Record<string, DiscoverySchema>>;
  readonly additionalProperties?: DiscoverySchema;
}

export interface DiscoveryMethod {
  readonly id: string;
  readonly httpMethod: string;
  readonly path: string;
  readonly parameters?: Readonly<Record<string, DiscoverySchema & { location: string }>>;
  readonly request?: { readonly $ref: string };
  readonly response?: { readonly $ref: string };
}

export interface DiscoveryDocument {
  readonly name: string;
  readonly servicePath: string;
  readonly methods: Readonly<Record<string, DiscoveryMethod>>;
  readonly schemas: Readonly<Record<string, DiscoverySchema>>;
}

export const DISCOVERY_FILES = ['admin-directory_v1', 'gmail-v1', 'drive-v3', 'calendar-v3'] as const;

export function loadDiscovery(file: (typeof DISCOVERY_FILES)[number]): DiscoveryDocument {
  return JSON.parse(readFileSync(new URL(`../fixtures/discovery/${file}.json`, import.meta.url), 'utf8')) as DiscoveryDocument;
}

/** The method's path as the emulator routes it: /servicePath/path, every parameter as `{}`. */
export function routePattern(document: DiscoveryDocument, method: DiscoveryMethod): string {
  return `/${document.servicePath}${method.path}`.replace(/\{\+?[^}]+\}/g, '{}');
}

const FORMATS: Readonly<Record<string, RegExp>> = {
  int64: /^-?\d+$/,
  uint64: /^\d+$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  byte: /^[A-Za-z0-9+/_-]*=*$/,
};

/** Every way `value` departs from `schema`, as "path: problem" lines (empty when it conforms). */
export function conformance(document: DiscoveryDocument, schema: DiscoverySchema, value: unknown, path = '$'): string[] {
  if (schema.$ref) {
    const target = document.schemas[schema.$ref];
    return target ? conformance(document, target, value, path) : [`${path}: schema ${schema.$ref} missing from the fixture`];
  }
  const type = schema.type ?? 'any';
  switch (type) {
    case 'any':
      return [];
    case 'string': {
      if (typeof value !== 'string')
        return [`${path}: expected a string${schema.format ? ` (${schema.format})` : ''}, got ${JSON.stringify(value)}`];
      const format = schema.format ? FORMATS[schema.format] : undefined;
      if (format && !format.test(value)) return [`${path}: ${JSON.stringify(value)} is not ${schema.format}`];
      if (schema.enum && !schema.enum.includes(value)) return [`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`];
      return [];
    }
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer, got ${JSON.stringify(value)}`];
    case 'number':
      return typeof value === 'number' ? [] : [`${path}: expected a number, got ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected an array, got ${JSON.stringify(value)}`];
      return value.flatMap((item, i) => conformance(document, schema.items ?? {}, item, `${path}[${i}]`));
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return [`${path}: expected an object, got ${JSON.stringify(value)}`];
      const record = value as Record<string, unknown>;
      const properties = schema.properties ?? {};
      const problems = Object.entries(properties)
        .filter(([name, property]) => property.required && record[name] === undefined)
        .map(([name]) => `${path}.${name}: required, missing`);
      for (const [name, item] of Object.entries(record)) {
        const property = properties[name] ?? schema.additionalProperties;
        if (!property) problems.push(`${path}.${name}: not in the schema`);
        else problems.push(...conformance(document, property, item, `${path}.${name}`));
      }
      return problems;
    }
    default:
      return [`${path}: unknown schema type ${type}`];
  }
}
