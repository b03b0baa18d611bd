// The composition root of the demo ERP: builds every service from the configuration. Tests pass their
// own log destination or fetch; nothing else is global.
import type pg from 'pg';
import type { DestinationStream, Logger } from 'pino';
import { createLoginThrottle } from './auth/throttle.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './auth/passwords.ts';
import { createBootstrap } from './bootstrap.ts';
import type { Bootstrap } from './bootstrap.ts';
import { createChantiersRepository } from './chantiers/chantiers.repository.ts';
import { createChantiersService } from './chantiers/chantiers.service.ts';
import type { ChantiersService } from './chantiers/chantiers.service.ts';
import type { TenantConfig } from './config.ts';
import { createPool } from './db/pool.ts';
import { createTenantLogger } from './logger.ts';
import { createPlatformClient } from './platform/platform.client.ts';
import type { PlatformClient, PlatformClientOptions } from './platform/platform.client.ts';
import { createQuotaGate } from './platform/quotas.ts';
import type { User } from './users/users.repository.ts';
import { createUsersRepository } from './users/users.repository.ts';
import { createUsersService } from './users/users.service.ts';
import type { UsersService } from './users/users.service.ts';

export interface TenantDeps {
  log: Logger;
  pool: pg.Pool;
  bootstrap: Bootstrap;
  platform: PlatformClient;
  users: UsersService;
  chantiers: ChantiersService;
  loadUser(id: string): Promise<User | undefined>;
  /** Ends the database pool. */
  close(): Promise<void>;
}

export interface TenantDepsOptions {
  log?: Logger;
  logDestination?: DestinationStream;
  platform?: Partial<Omit<PlatformClientOptions, 'config' | 'log'>>;
}

export function createTenantDeps(config: TenantConfig, options: TenantDepsOptions = {}): TenantDeps {
  const log =
    options.log ??
    createTenantLogger({
      level: config.logLevel,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
      base: config.clientId ? { clientId: config.clientId } : {},
    });
  const pool = createPool(config.database, log);
  const platform = createPlatformClient({ config: config.platform, log: log.child({ component: 'platform' }), ...options.platform });
  const quotas = createQuotaGate({ platform, quotas: config.quotas, log });
  const usersRepository = createUsersRepository(pool);
  const passwords = { hash: hashPassword, verify: verifyPassword, verifyDummy: verifyAgainstDummy };

  return {
    log,
    pool,
    platform,
    bootstrap: createBootstrap({
      pool,
      log,
      initialUser: { username: config.initialUsername, password: config.initialPassword },
      hashPassword,
    }),
    users: createUsersService({ users: usersRepository, passwords, throttle: createLoginThrottle(), quotas }),
    chantiers: createChantiersService({ chantiers: createChantiersRepository(pool), quotas }),
    loadUser: (id) => usersRepository.getById(id),
    close: () => pool.end(),
  };
}
