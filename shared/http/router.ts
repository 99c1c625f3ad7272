import { HttpError, type HttpRequest, type HttpResponse } from './http.js';

/** What an entry point serves: one request in, one response out. */
export type RequestHandler = (request: HttpRequest) => Promise<HttpResponse>;

/** A route's handler: the request, and the context its entry point gives every route (its dependencies). */
export type RouteHandler<C> = (request: HttpRequest, context: C) => Promise<HttpResponse>;

export interface Route<C> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path such as `/api/people/{id}`; `{name}` matches one non-empty segment. */
  readonly path: string;
  readonly handler: RouteHandler<C>;
}

interface CompiledRoute<C> extends Route<C> {
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile<C>(route: Route<C>): CompiledRoute<C> {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}/?$`), names };
}

/**
 * Matches method and path; 404 for an unknown path, 405 (with Allow) for a known path and other method.
 * `context` is asked once per request, so a test or the local host may swap what it returns between requests.
 */
export function createRouter<C>(routes: readonly Route<C>[], context: () => C): RequestHandler {
  const compiled = routes.map(compile);
  return async (request) => {
    const allowed: string[] = [];
    for (const route of compiled) {
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      if (route.method !== request.method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        const raw = match[i + 1] ?? '';
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          throw new HttpError(400, 'invalid_path', `The path parameter ${name} is not valid percent-encoding.`);
        }
      });
      return route.handler({ ...request, params }, context());
    }
    if (allowed.length > 0) throw new MethodNotAllowed(allowed);
    throw new HttpError(404, 'not_found', `No route for ${request.method} ${request.path}.`);
  };
}

export class MethodNotAllowed extends HttpError {
  constructor(readonly allowed: readonly string[]) {
    super(405, 'method_not_allowed', `Use ${allowed.join(' or ')} for this path.`);
  }
}
