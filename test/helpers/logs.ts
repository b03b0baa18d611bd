// A logger whose output tests can read, to check what is (and is never) logged.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { REDACTED_PATHS } from '../../src/logging/logger.ts';

export interface CapturedLogger {
  log: Logger;
  lines: string[];
  text(): string;
}

export function captureLogger(level = 'debug'): CapturedLogger {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[masqué]' } }, stream);
  return { log, lines, text: () => lines.join('') };
}
