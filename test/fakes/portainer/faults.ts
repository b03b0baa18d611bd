// Faults injected by tests, matched against `METHOD /path` of each request: an error status (502 with an empty
// body, like Portainer's reverse proxy; other codes with Portainer's error body), a hang (no answer until the
// fake closes, so the client times out), a dropped connection, a lost answer (the request is carried out, then
// the connection is cut instead of answering), or extra latency.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendEmpty, sendError } from './http-io.ts';

interface FaultBase {
  /** Substring of, or pattern for, `METHOD /path` (query excluded). Absent: every request. */
  match?: string | RegExp;
  /** How many matching requests it applies to (default 1; Infinity until cleared). */
  times?: number;
}

export type Fault =
  | (FaultBase & { kind: 'status'; status: number; message?: string })
  | (FaultBase & { kind: 'hang' })
  | (FaultBase & { kind: 'drop' })
  | (FaultBase & { kind: 'lose-answer' })
  | (FaultBase & { kind: 'delay'; ms: number });

interface ActiveFault {
  fault: Fault;
  remaining: number;
}

type FaultOutcome = 'handled' | 'continue';

export function createFaults(signal: AbortSignal) {
  let active: ActiveFault[] = [];

  function take(request: string): Fault | null {
    for (const entry of active) {
      const { match } = entry.fault;
      const hit = match === undefined || (typeof match === 'string' ? request.includes(match) : match.test(request));
      if (!hit) continue;
      entry.remaining--;
      if (entry.remaining <= 0) active = active.filter((e) => e !== entry);
      return entry.fault;
    }
    return null;
  }

  return {
    add(fault: Fault): void {
      active.push({ fault, remaining: fault.times ?? 1 });
    },

    clear(): void {
      active = [];
    },

    pending(): number {
      return active.length;
    },

    /** Applies the first matching fault; `continue` means the request is then handled normally. */
    async apply(req: IncomingMessage, res: ServerResponse, request: string): Promise<FaultOutcome> {
      const fault = take(request);
      if (!fault) return 'continue';
      switch (fault.kind) {
        case 'status':
          if (fault.status === 502) sendEmpty(res, 502);
          else sendError(res, fault.status, fault.message ?? 'Internal server error');
          return 'handled';
        case 'hang':
          return 'handled';
        case 'drop':
          req.socket.destroy();
          return 'handled';
        case 'lose-answer':
          res.writeHead = () => res;
          res.end = () => {
            req.socket.destroy();
            return res;
          };
          return 'continue';
        case 'delay':
          await sleep(fault.ms, undefined, { signal });
          return 'continue';
      }
    },
  };
}
