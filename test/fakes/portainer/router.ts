// A minimal router: `:name` segments become params; the route's pattern names it in the call log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeUser } from './state.ts';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The authenticated caller; null only on public routes. */
  user: FakeUser | null;
  /** How the caller authenticated (token creation refuses API keys). */
  via: 'api-key' | 'jwt' | 'cookie' | null;
}

export interface Route {
  method: string;
  pattern: string;
  /** Reachable without credentials (login, status). */
  public?: boolean;
  handle(ctx: RequestContext): Promise<void> | void;
}

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export function createRouter(routes: Route[]) {
  const compiled: CompiledRoute[] = routes.map((route) => {
    const names: string[] = [];
    const source = route.pattern.replace(/[.]/g, '\\.').replace(/:([A-Za-z]+)(\*)?/g, (_m, name: string, rest?: string) => {
      names.push(name);
      return rest ? '(.+)' : '([^/]+)';
    });
    return { route, regex: new RegExp(`^${source}$`), names };
  });

  return {
    match(method: string, pathname: string): { route: Route; params: Record<string, string> } | 'method-not-allowed' | null {
      let pathMatched = false;
      for (const { route, regex, names } of compiled) {
        const found = regex.exec(pathname);
        if (!found) continue;
        pathMatched = true;
        if (route.method !== method) continue;
        const params: Record<string, string> = {};
        names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1]!)));
        return { route, params };
      }
      return pathMatched ? 'method-not-allowed' : null;
    },
  };
}
