// Structured logs: JSON on stdout (pretty when stdout is a terminal) and a rotating file
// under DATA_DIR/logs. Secrets are redacted wherever they appear in a logged object.
import path from 'node:path';
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password', '*.password', 'token', '*.token', 'secret', '*.secret',
  'databaseUrl', '*.databaseUrl', 'masterKey', '*.masterKey',
];

export interface LoggerOptions {
  level: string;
  /** Directory of the rotating file; omitted: stdout only. */
  logDir?: string;
  fileMaxMb?: number;
  fileCount?: number;
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const targets: pino.TransportTargetOptions[] = [
    options.pretty
      ? { target: 'pino-pretty', level: options.level, options: { destination: 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
      : { target: 'pino/file', level: options.level, options: { destination: 1 } },
  ];
  if (options.logDir) {
    targets.push({
      target: 'pino-roll',
      level: options.level,
      options: {
        file: path.join(options.logDir, 'erpbtp'),
        extension: '.log',
        size: `${options.fileMaxMb ?? 10}m`,
        limit: { count: (options.fileCount ?? 5) - 1 },
        mkdir: true,
      },
    });
  }
  return pino(
    { level: options.level, redact: { paths: REDACTED_PATHS, censor: '[masqué]' }, base: { pid: process.pid } },
    pino.transport({ targets }),
  );
}
