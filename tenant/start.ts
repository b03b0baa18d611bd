// The demo ERP's process (loaded by main.js once the compile cache is on): parse the configuration,
// listen first, then prepare the database, so the platform sees the process answer as early as possible.
import module from 'node:module';
import { buildTenantApp } from './app.ts';
import { parseTenantConfig, TenantConfigError } from './config.ts';
import { createTenantDeps } from './deps.ts';
import { t } from './i18n/index.ts';
import { startUsageReporter } from './platform/usage.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = parseTenantConfig(process.env);
  } catch (err) {
    if (err instanceof TenantConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG: the orchestrator must not restart in a loop on a bad configuration.
    }
    throw err;
  }

  const deps = createTenantDeps(config);
  // Only non-secret facts: never the config object itself.
  deps.log.info({ port: config.port, plan: config.plan, appUrl: config.appUrl, platform: config.platform !== null }, 'starting');
  const app = await buildTenantApp(config, deps);
  const stopping = new AbortController();
  let usage: { stop(): void } | undefined;

  let closing = false;
  async function shutdown(signal: string): Promise<void> {
    if (closing) return;
    closing = true;
    deps.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    stopping.abort();
    usage?.stop();
    await app.close();
    await deps.close();
    deps.log.flush();
    clearTimeout(force);
  }
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
  // Run by the platform's local orchestrator (IPC channel): die with it, even after a SIGKILL,
  // so a restarted platform never finds an orphan holding the port.
  // The channel itself must not keep the process alive once it has shut down.
  if (process.send) {
    process.on('disconnect', () => void shutdown('disconnect'));
    process.channel?.unref();
  }

  await app.listen({ port: config.port, host: config.host });
  // Written now rather than at exit (an instance runs for months): the next instances start on it.
  module.flushCompileCache();
  try {
    await deps.bootstrap.run({ signal: stopping.signal });
  } catch (err) {
    if (stopping.signal.aborted) return; // stopped before the database ever answered
    throw err;
  }
  if (config.platform) usage = startUsageReporter({ platform: deps.platform, db: deps.pool, log: deps.log });
}

main().catch((err: unknown) => {
  // A failure at start (port in use, bootstrap aborted); the message names the cause, never a secret.
  console.error(t('config.startFailed', { reason: err instanceof Error ? err.message : String(err) }));
  process.exit(1);
});
