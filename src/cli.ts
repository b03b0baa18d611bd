// The `erpbtp` command line (loaded by bin/erpbtp.js once the compile cache is on): parses the arguments and starts the asked role.
import { parseArgs } from 'node:util';
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { type Config, ConfigError, describeConfig, loadConfig } from './config.ts';
import { type Database, openDatabase, runMigrations } from './db/database.ts';
import { startQueue } from './jobs/queue.ts';
import { createLogger } from './logging/logger.ts';
import { checkPortainer } from './orchestrators/portainer/config-check.ts';
import { connectDatabase, type Roles, startPlatform } from './platform.ts';
import { prepareLifecycleCommand } from './lifecycle/lifecycle-command.ts';
import { runMailCommand } from './mail/mail-command.ts';
import { loadPlans } from './plans/plans.ts';
import { retryDeployment } from './provisioning/retry-deployment.ts';
import { prepareAdminCommand } from './staff/admin-command.ts';
import { prepareApiKeysCommand } from './api-keys/api-keys-command.ts';
import { prepareKeysCommand } from './vault/keys-command.ts';

const USAGE = `Utilisation : erpbtp <commande>

Commandes :
  start          tout en un : site web, worker et planificateur (mode par défaut)
  web            le serveur web seul (production, nécessite DATABASE_URL)
  worker         le worker seul (production, nécessite DATABASE_URL)
  migrate        applique les migrations de la base de données
  config check   vérifie la configuration et l’affiche (secrets masqués) ;
                 avec ORCHESTRATOR=portainer, interroge Portainer et liste ses environnements
  deployments retry <id>
                 relance un déploiement en échec
  mail list | show <id> | status
                 e-mails reçus par le serveur SMTP embarqué, état de la file d’envoi
  admin create --email <adresse> [--name <nom>] [--role owner|admin|operator|viewer]
                 crée un compte d’administration et affiche son lien d’activation
  api-keys create --name <nom> --scopes <portée,…> [--expires AAAA-MM-JJ] | list | revoke <id>
                 clés de l’API REST (la clé créée n’est affichée qu’une fois)
  keys status    clés maîtresses : secrets chiffrés par clé, rotation inachevée
  keys rotate [--confirm]
                 nouvelle clé maîtresse et rechiffrement des secrets (reprend une rotation inachevée)
  lifecycle run [--date AAAA-MM-JJ [--force]]
                 cycle de vie des essais maintenant (rappels, expirations, avis et suppressions dus) ;
                 --date : comme ce jour-là à LIFECYCLE_RUN_AT (une date future demande --force)
`;

const SHUTDOWN_DELAY_MS = 10_000;

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const [command, sub, arg] = positionals;
  loadDotEnv();
  let config;
  try {
    config = loadConfig(process.env);
    if (command !== 'config') loadPlans(config.plansFile);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }

  if (command === 'config' && sub === 'check') {
    loadPlans(config.plansFile);
    console.log('Configuration valide :');
    for (const [key, value] of Object.entries(describeConfig(config))) console.log(`  ${key.padEnd(18)} ${value}`);
    if (config.portainer) return (await checkPortainer(config.portainer, config, (line) => console.log(line))) ? 0 : 1;
    return 0;
  }

  const log = createLogger({
    level: config.logLevel,
    logDir: `${config.dataDir}/logs`,
    fileMaxMb: config.logFileMaxMb,
    fileCount: config.logFileCount,
    pretty: process.stdout.isTTY,
  });

  if (command === 'migrate') {
    return withDatabase(config, log, async (_url, database) => {
      await runMigrations(database.pool, log);
      console.log('Migrations appliquées.');
      return 0;
    });
  }

  if (command === 'mail') {
    return withDatabase(config, log, (_url, database) => runMailCommand(database.db, sub, arg, (line) => console.log(line)));
  }

  if (command === 'lifecycle') {
    const lifecycle = prepareLifecycleCommand(argv, config, log, (line) => console.log(line));
    return typeof lifecycle === 'number' ? lifecycle : withDatabase(config, log, lifecycle);
  }

  if (command === 'keys') {
    const keys = prepareKeysCommand(argv, config, log, (line) => console.log(line));
    return typeof keys === 'number' ? keys : withDatabase(config, log, (_url, database) => keys(database));
  }

  if (command === 'admin') {
    const admin = prepareAdminCommand(argv, config.publicUrl, (line) => console.log(line));
    return typeof admin === 'number' ? admin : withDatabase(config, log, async (_url, database) => {
      await runMigrations(database.pool, log);
      return admin(database);
    });
  }

  if (command === 'api-keys') {
    const apiKeys = prepareApiKeysCommand(argv, (line) => console.log(line));
    return typeof apiKeys === 'number' ? apiKeys : withDatabase(config, log, async (_url, database) => {
      await runMigrations(database.pool, log);
      return apiKeys(database);
    });
  }

  if (command === 'deployments' && sub === 'retry') {
    const id = Number(arg);
    if (!Number.isInteger(id) || id <= 0) {
      console.error('Utilisation : erpbtp deployments retry <identifiant du déploiement>');
      return 2;
    }
    return withDatabase(config, log, async (url, database) => {
      const queue = await startQueue(url, log);
      try {
        const result = await retryDeployment(database.pool, queue, id);
        console.log({ queued: `Déploiement ${id} relancé.`, 'not-found': `Déploiement ${id} introuvable.`, 'not-failed': `Le déploiement ${id} n’est pas en échec : rien à relancer.` }[result]);
        return result === 'queued' ? 0 : 1;
      } finally {
        await queue.stop();
      }
    });
  }

  const roles: Roles | undefined =
    command === 'start' || command === undefined ? { web: true, worker: true }
      : command === 'web' ? { web: true, worker: false }
        : command === 'worker' ? { web: false, worker: true } : undefined;
  if (!roles) {
    console.error(USAGE);
    return 2;
  }
  if ((command === 'web' || command === 'worker') && !config.databaseUrl) {
    console.error(`La commande « ${command} » nécessite DATABASE_URL : les rôles séparés partagent une base PostgreSQL. Utilisez « erpbtp start » pour le mode embarqué.`);
    return 2;
  }

  // The graceful shutdown is in place before the start and never removed: a stop asked while starting waits for the
  // start to end (a process killed then would leave the embedded PostgreSQL to the next start to recover), and no
  // signal can fall between two handlers (Node drops one that arrives as its last listener is removed).
  const starting = startPlatform(config, log, roles);
  closeWithGrace({ delay: SHUTDOWN_DELAY_MS, logger: { error: (m: unknown) => log.error(m) } }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'fatal error, shutting down');
    else log.info({ signal }, 'shutting down');
    const started = await starting.catch(() => undefined);
    await started?.stop();
    log.flush?.();
  });
  const platform = await starting;
  if (platform.url) {
    console.log(`\nERP BTP Cloud est démarré : ${config.publicUrl}`);
    console.log(`Administration : ${config.publicUrl}/admin`);
    if (platform.adminSetupUrl) console.log(`Premier compte propriétaire (${config.adminEmails[0]}) : choisissez son mot de passe ici (lien à usage unique) :\n  ${platform.adminSetupUrl}`);
    console.log('');
  }
  return -1;
}

/** Runs an administrative command against the platform's database (embedded or DATABASE_URL). */
async function withDatabase(config: Config, log: Logger, work: (url: string, database: Database) => Promise<number>): Promise<number> {
  const { url, embedded } = await connectDatabase(config, log, { attach: true });
  const database = openDatabase(url, { max: 2 });
  try {
    return await work(url, database);
  } finally {
    await database.close();
    await embedded?.stop();
  }
}

/** An optional `.env` file in the working directory; real environment variables win. */
function loadDotEnv(): void {
  try {
    const before = { ...process.env };
    process.loadEnvFile('.env');
    Object.assign(process.env, before);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
