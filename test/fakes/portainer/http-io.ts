// Request and response helpers shaped like Portainer's: JSON without a trailing newline, `{message, details}`
// errors, case-insensitive request keys (Portainer's JSON decoder falls back to a case-insensitive match).
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Json = Record<string, unknown>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

/** Portainer's handler error: `details` is the inner error, or the message capitalised when there is none. */
export function sendError(res: ServerResponse, status: number, message: string, details?: string): void {
  sendJson(res, status, { message, details: details ?? capitalise(message) });
}

/** Errors passed through from the Docker engine: `{message}` only. */
export function sendDockerError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { message });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A body or a query parameter (the `filters` of Portainer and Docker) as a JSON object, or null when it is not one
 * (Portainer then answers 400 Invalid request payload).
 */
export function parseJsonObject(raw: Buffer | string): Json | null {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8') || 'null');
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

/** A request key looked up as Portainer does: exact match first, then case-insensitive. */
export function field(body: Json, name: string): unknown {
  if (name in body) return body[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(body)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function stringField(body: Json, name: string): string {
  const value = field(body, name);
  return typeof value === 'string' ? value : '';
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** `endpointId=N` as Portainer parses it: base-10 integer, name case-sensitive. */
export function integerQuery(query: URLSearchParams, name: string): number | 'missing' | 'invalid' {
  const raw = query.get(name);
  if (raw === null || raw === '') return 'missing';
  return /^-?\d+$/.test(raw) ? Number(raw) : 'invalid';
}
