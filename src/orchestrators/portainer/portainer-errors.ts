// Errors of the Portainer driver. Every failure is an OrchestratorError (transient: retried with backoff by the
// saga; permanent: the step fails with the reason), carrying Portainer's own words for operators.
import { OrchestratorError } from '../../provisioning/orchestrator.ts';

/** `refused`: no connection was made, so the request cannot have been carried out; `network`: cut on the way. */
export type FailureKind = 'http' | 'timeout' | 'network' | 'refused';

export class PortainerError extends OrchestratorError {
  /** The HTTP status Portainer answered, null when no answer came. */
  readonly status: number | null;
  readonly kind: FailureKind;
  constructor(message: string, options: { status: number | null; kind: FailureKind; transient: boolean; cause?: unknown }) {
    super(message, { transient: options.transient, cause: options.cause });
    this.name = 'PortainerError';
    this.status = options.status;
    this.kind = options.kind;
  }
}

const MAX_DETAIL = 2_000;

/** 5xx (compose failures, proxy 502, Docker's 503), 408 and 429 may pass; 400, 401, 403, 404, 409, 422 will not. */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** The request may or may not have been carried out: no answer after it was sent, or a gateway's 502-504. */
export function isAmbiguousFailure(error: unknown): boolean {
  if (!(error instanceof PortainerError)) return false;
  return error.kind === 'timeout' || error.kind === 'network' || (error.status !== null && error.status >= 502);
}

/**
 * Portainer's `{message, details}` (Docker's `{message}`, Portainer 1.x's `{err}`) as one text for operators:
 * details only when they add something, ANSI colours of compose's stderr removed, bounded in length.
 */
export function describeErrorBody(body: Buffer): string {
  const text = body.toString('utf8').trim();
  let described = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; err?: unknown; details?: unknown };
    const message = String(parsed.message ?? parsed.err ?? '');
    const details = typeof parsed.details === 'string' ? parsed.details : '';
    described = details && details.toLowerCase() !== message.toLowerCase() ? `${message} (${details})` : message;
  } catch {
    // not JSON: a plain-text answer (CSRF refusals, a reverse proxy's page)
  }
  // eslint-disable-next-line no-control-regex
  const clean = described.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').trim();
  return clean.length > MAX_DETAIL ? `${clean.slice(0, MAX_DETAIL)}…` : clean;
}
