import { HttpError, type HttpRequest, type HttpResponse } from './http.js';

export type RouteHandler = (request: HttpRequest) => Promise<HttpResponse>;

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path such as `/api/people/{id}`; `{name}` matches one non-empty segment. */
  readonly path: string;
  readonly handler: RouteHandler;
}

interface CompiledRoute extends Route {
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile(route: Route): CompiledRoute {
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

/** Matches method and path; 404 for an unknown path, 405 (with Allow) for a known path and other method. */
export function createRouter(routes: readonly Route[]): RouteHandler {
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
      return route.handler({ ...request, params });
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
