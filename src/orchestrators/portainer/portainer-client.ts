// One call to Portainer: credentials (one re-login after a 401), the environment's circuit breaker, a deadline,
// and Portainer's answer turned into data or into a PortainerError that says what Portainer said.
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { createCircuitBreaker } from './circuit-breaker.ts';
import type { CircuitBreaker, CircuitBreakerOptions, CircuitState } from './circuit-breaker.ts';
import type { createHttpTransport } from './http-transport.ts';
import type { Authorization, PortainerAuth } from './portainer-auth.ts';
import { describeErrorBody, isTransientStatus, PortainerError } from './portainer-errors.ts';

type Transport = Pick<ReturnType<typeof createHttpTransport>, 'send'>;

export interface PortainerCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Default: the client's request timeout. Stack operations pass the (long) deploy timeout. */
  timeoutMs?: number;
  /** Statuses besides 2xx handed back to the caller instead of thrown. */
  accept?: number[];
  /** The breaker this call counts against: an environment id, or `instance` for calls about no environment. */
  circuit: string;
}

export interface PortainerReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The answer's JSON; anything else (e.g. a web page: PORTAINER_URL pointing elsewhere) is a permanent error. */
export function json<T>(reply: PortainerReply): T {
  try {
    return JSON.parse(reply.body.toString('utf8')) as T;
  } catch (err) {
    const start = reply.body.subarray(0, 80).toString('utf8');
    throw new PortainerError(`Portainer answered ${reply.status} with something that is not JSON (${JSON.stringify(start)}): is PORTAINER_URL right?`, {
      status: reply.status,
      kind: 'http',
      transient: false,
      cause: err,
    });
  }
}

export function createPortainerClient(options: {
  transport: Transport;
  auth: PortainerAuth;
  breaker: CircuitBreakerOptions;
  requestTimeoutMs: number;
  log: Logger;
}) {
  const { transport, auth, log } = options;
  const breakers = new Map<string, CircuitBreaker>();

  function breakerFor(circuit: string): CircuitBreaker {
    let breaker = breakers.get(circuit);
    if (!breaker) {
      breaker = createCircuitBreaker(`Portainer environment ${circuit}`, options.breaker);
      breakers.set(circuit, breaker);
    }
    return breaker;
  }

  function send(call: PortainerCall, authorization: Authorization): Promise<PortainerReply> {
    const query = call.query ? `?${new URLSearchParams(Object.entries(call.query).map(([k, v]) => [k, String(v)]))}` : '';
    const headers: Record<string, string> = { Accept: 'application/json', ...authorization.headers };
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    return transport.send({
      method: call.method,
      path: `${call.path}${query}`,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      timeoutMs: call.timeoutMs ?? options.requestTimeoutMs,
    });
  }

  async function exchange(call: PortainerCall): Promise<PortainerReply> {
    let authorization = await auth.authorization();
    const reply = await send(call, authorization);
    if (reply.status !== 401 || !auth.rejected(authorization)) return reply;
    log.info({ path: call.path }, 'Portainer refused the session token (expired, or Portainer restarted): logging in again');
    authorization = await auth.authorization();
    return send(call, authorization);
  }

  return {
    /** Sends the call; answers with a 2xx or an accepted status, or throws a PortainerError. */
    async request(call: PortainerCall): Promise<PortainerReply> {
      const breaker = breakerFor(call.circuit);
      breaker.enter();
      let reply: PortainerReply;
      try {
        reply = await exchange(call);
      } catch (err) {
        const transient = (err as { transient?: unknown }).transient === true;
        if (!transient) breaker.succeeded();
        else if (breaker.failed()) log.warn({ circuit: call.circuit, err: (err as Error).message }, 'Portainer unreachable: circuit opened');
        throw err;
      }
      // An accepted status is an answer the caller expects (e.g. Docker's 503 for "not a swarm manager").
      const expected = (reply.status >= 200 && reply.status < 300) || call.accept?.includes(reply.status) === true;
      const transient = !expected && isTransientStatus(reply.status);
      if (!transient) breaker.succeeded();
      else if (breaker.failed()) log.warn({ circuit: call.circuit, status: reply.status }, 'Portainer failing: circuit opened');
      if (expected) return reply;
      throw errorFor(call, reply, transient);
    },

    circuitState(circuit: string): CircuitState {
      return breakers.get(circuit)?.state() ?? 'closed';
    },
  };
}

export type PortainerClient = ReturnType<typeof createPortainerClient>;

function errorFor(call: PortainerCall, reply: PortainerReply, transient: boolean): PortainerError {
  const said = describeErrorBody(reply.body) || '(empty answer)';
  const hint = reply.status === 401 ? ': Portainer rejected our credentials (check PORTAINER_API_KEY, or PORTAINER_USERNAME/PORTAINER_PASSWORD)' : '';
  return new PortainerError(`Portainer ${call.method} ${call.path}: ${reply.status} ${said}${hint}`, { status: reply.status, kind: 'http', transient });
}
