// A small method + path-pattern router for the API routes (`/servers/:id/actions/:action`).

import { ApiError } from './errors.js';

/** What a route handler gets. */
export interface RouteContext {
  method: string;
  /** Path below `/v1`, e.g. `/servers/3`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (`{}` when there is none). */
  body: Record<string, unknown>;
  /** Absolute URL of the request, for `Link` headers. */
  url: URL;
}

/** What a route handler returns; a thrown `ApiError` becomes an error answer. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A route handler. */
export type RouteHandler = (ctx: RouteContext) => RouteResult;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** Routes by method and `/a/:param/b` pattern; answers 404 or 405 like the real API when nothing matches. */
export class Router {
  private readonly routes: Route[] = [];

  /** Register a handler for `method` and a pattern such as `/servers/:id`. */
  on(method: string, pattern: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((part) => {
        if (part.startsWith(':')) {
          names.push(part.slice(1));
          return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** Find the handler for a request, or throw the real API's 404/405 error. */
  resolve(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { handler: route.handler, params };
    }
    if (pathMatched) throw new ApiError('method_not_allowed', 'method not allowed', null);
    throw new ApiError('not_found', 'not found', null);
  }
}
