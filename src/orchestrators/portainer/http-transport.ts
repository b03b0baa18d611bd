// HTTP to Portainer with node:http/https: one keep-alive agent, TLS verification on unless the operator accepts
// Portainer's self-signed certificate, a deadline per request, no cookies ever stored or sent.
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { PortainerError } from './portainer-errors.ts';

export interface HttpRequest {
  method: string;
  /** Path and query under the base URL, e.g. `/api/stacks?filters=…`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const TLS_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;
/** Failures before any connection existed: the request never left. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** Methods safe to send again when a pooled connection turned out to be closed before the request left. */
const REPLAYABLE = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export function createHttpTransport(options: { baseUrl: string; insecureTls: boolean; maxSockets?: number }) {
  const base = new URL(options.baseUrl);
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16, rejectUnauthorized: !options.insecureTls })
    : new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16 });
  const prefix = base.pathname.replace(/\/+$/, '');

  function once(request: HttpRequest): Promise<HttpReply & { reusedSocket?: boolean }> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${prefix}${request.path}`, base);
      const headers = { ...request.headers, ...(request.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(request.body)) }) };
      const req = (secure ? https : http).request(url, { method: request.method, headers, agent });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), { code: 'ETIMEDOUT_CLIENT' })), request.timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(Object.assign(err, { reusedSocket: req.reusedSocket }));
      });
      req.end(request.body);
    });
  }

  async function send(request: HttpRequest): Promise<HttpReply> {
    try {
      return await once(request);
    } catch (err) {
      const error = err as NodeJS.ErrnoException & { reusedSocket?: boolean };
      // A keep-alive connection the server had already closed: the request never reached Portainer.
      if (error.reusedSocket && error.code === 'ECONNRESET' && REPLAYABLE.has(request.method)) {
        try {
          return await once(request);
        } catch (retried) {
          throw toPortainerError(request, retried as NodeJS.ErrnoException);
        }
      }
      throw toPortainerError(request, error);
    }
  }

  return {
    send,
    close(): void {
      agent.destroy();
    },
  };
}

function toPortainerError(request: HttpRequest, error: NodeJS.ErrnoException): PortainerError {
  const what = `Portainer ${request.method} ${request.path.split('?')[0]}`;
  const code = error.code ?? '';
  if (code === 'ETIMEDOUT_CLIENT') {
    return new PortainerError(`${what}: ${error.message}`, { status: null, kind: 'timeout', transient: true, cause: error });
  }
  if (TLS_ERRORS.test(code)) {
    return new PortainerError(
      `${what}: TLS certificate not accepted (${code}: ${error.message}); for Portainer's self-signed certificate set PORTAINER_INSECURE_TLS=true`,
      { status: null, kind: 'network', transient: false, cause: error },
    );
  }
  const kind = NOT_CONNECTED.has(code) ? 'refused' : 'network';
  return new PortainerError(`${what}: ${code ? `${code} ` : ''}${error.message}`, { status: null, kind, transient: true, cause: error });
}
