// Structured JSON logs on stdout. Secrets are redacted by path as a safety net; the code also
// avoids putting them in log objects in the first place (no config dumps, no request headers).
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  '*.password',
  'secretKey',
  '*.secretKey',
  'token',
  '*.token',
  'tenantToken',
  '*.tenantToken',
  'initialPassword',
  '*.initialPassword',
  'connectionString',
  '*.connectionString',
  'passwordHash',
  '*.passwordHash',
  'password_hash',
  '*.password_hash',
];

export function createTenantLogger(options: { level: string; destination?: DestinationStream; base?: Record<string, unknown> }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'erpbtp-tenant', ...options.base },
      redact: { paths: REDACTED_PATHS, censor: '[secret]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
