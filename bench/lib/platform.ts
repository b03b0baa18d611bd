// Starts the platform for a benchmark: on DATABASE_URL if set, else on a fresh embedded
// PostgreSQL in a temporary directory. Logs are silenced so they do not skew the figures.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { type Roles, startPlatform } from '../../src/platform.ts';

export async function startBenchPlatform(env: Record<string, string>, roles: Roles) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-bench-'));
  const config = loadConfig({
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env,
  });
  const platform = await startPlatform(config, pino({ level: 'warn' }), roles);
  return {
    url: platform.url!,
    app: platform.app!,
    databaseUrl: platform.databaseUrl,
    stop: async () => {
      await platform.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
