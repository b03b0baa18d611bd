// All configuration, read once from the environment at start and validated as a whole:
// every invalid variable is reported in one error, naming it and what is expected.
// Nothing else in the program reads process.env.
import path from 'node:path';
import { t } from './i18n/index.ts';

// The Portainer driver joins this list with its own issue.
export type Orchestrator = 'local';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  /** Unset: the platform starts an embedded PostgreSQL under dataDir/postgres. */
  databaseUrl: string | undefined;
  logLevel: LogLevel;
  logFileMaxMb: number;
  logFileCount: number;
  orchestrator: Orchestrator;
  plansFile: string | undefined;
  signupRateLimit: number;
  trustProxy: boolean;
  /** Master key ring for the vault; unset: a generated key file under dataDir. */
  masterKey: string | undefined;
  /** Ports published by tenant stacks in port mode. */
  portRange: { min: number; max: number };
  /** Host name in tenant URLs in port mode (`http://<host>:<port>`). */
  tenantHost: string;
  /** Deployments run at once per orchestrator environment, across all workers. */
  provisioningConcurrency: number;
  /** Fault injection for the crash tests only: the process kills itself right after this saga step succeeds. */
  faultKillAfterStep: string | undefined;
  /** Derived: true when no DATABASE_URL is given. */
  embeddedDatabase: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super([t('config.invalid'), ...problems.map((p) => `  - ${p}`)].join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Variables whose value must never be printed. */
export const SECRET_VARIABLES = ['DATABASE_URL', 'MASTER_KEY'] as const;

export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = parse(raw.trim());
    if (value === undefined) {
      problems.push(t('config.received', { name, expected, value: SECRET_VARIABLES.includes(name as never) ? '***' : raw }));
      return fallback;
    }
    return value;
  };
  const integer = (name: string, fallback: number, min: number, max: number) =>
    read(name, fallback, (raw) => parseInteger(raw, min, max), t('config.expected.integer', { min, max }));
  const oneOf = <T extends string>(name: string, fallback: T, values: readonly T[]) =>
    read(name, fallback, (raw) => (values.includes(raw as T) ? (raw as T) : undefined), t('config.expected.oneOf', { values: values.join(', ') }));
  const url = (name: string, protocols: string[]) =>
    read<string | undefined>(name, undefined, (raw) => parseUrl(raw, protocols), t('config.expected.url', { protocols: protocols.join(' ou ') }));
  const boolean = (name: string, fallback: boolean) =>
    read(name, fallback, (raw) => (raw === 'true' ? true : raw === 'false' ? false : undefined), t('config.expected.boolean'));

  const port = integer('PORT', 3000, 0, 65535);
  const host = read('HOST', '0.0.0.0', (raw) => raw, t('config.expected.nonEmpty'));
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const config: Config = {
    port,
    host,
    publicUrl: (url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    dataDir: path.resolve(cwd, env.DATA_DIR || 'data'),
    databaseUrl,
    logLevel: oneOf<LogLevel>('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    logFileMaxMb: integer('LOG_FILE_MAX_MB', 10, 1, 1024),
    logFileCount: integer('LOG_FILE_COUNT', 5, 1, 100),
    orchestrator: oneOf<Orchestrator>('ORCHESTRATOR', 'local', ['local']),
    plansFile: env.PLANS_FILE ? path.resolve(cwd, env.PLANS_FILE) : undefined,
    signupRateLimit: integer('SIGNUP_RATE_LIMIT', 5, 0, 1_000_000),
    trustProxy: boolean('TRUST_PROXY', false),
    masterKey: env.MASTER_KEY || undefined,
    portRange: read('TENANT_PORT_RANGE', { min: 41000, max: 41999 }, parsePortRange, t('config.expected.portRange')),
    tenantHost: read('TENANT_HOST', 'localhost', (raw) => (/^[A-Za-z0-9.-]+$/.test(raw) ? raw : undefined), t('config.expected.nonEmpty')),
    provisioningConcurrency: integer('PROVISIONING_CONCURRENCY', 4, 1, 100),
    faultKillAfterStep: env.ERPBTP_FAULT_KILL_AFTER_STEP || undefined,
    embeddedDatabase: databaseUrl === undefined,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function parseInteger(raw: string, min: number, max: number): number | undefined {
  if (!/^-?\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}

function parsePortRange(raw: string): { min: number; max: number } | undefined {
  const match = /^(\d+)-(\d+)$/.exec(raw);
  if (!match) return undefined;
  const [min, max] = [Number(match[1]), Number(match[2])];
  return min >= 1024 && max <= 65535 && min <= max ? { min, max } : undefined;
}

function parseUrl(raw: string, protocols: string[]): string | undefined {
  try {
    return protocols.includes(new URL(raw).protocol) ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** The effective configuration for `erpbtp config check`, secrets masked. */
export function describeConfig(config: Config): Record<string, string | number | boolean> {
  return {
    PORT: config.port,
    HOST: config.host,
    PUBLIC_URL: config.publicUrl,
    DATA_DIR: config.dataDir,
    DATABASE_URL: config.databaseUrl ? maskUrl(config.databaseUrl) : '(PostgreSQL embarqué)',
    LOG_LEVEL: config.logLevel,
    LOG_FILE_MAX_MB: config.logFileMaxMb,
    LOG_FILE_COUNT: config.logFileCount,
    ORCHESTRATOR: config.orchestrator,
    PLANS_FILE: config.plansFile ?? '(plans par défaut)',
    SIGNUP_RATE_LIMIT: config.signupRateLimit,
    TRUST_PROXY: config.trustProxy,
    MASTER_KEY: config.masterKey ? '***' : '(fichier de clé sous DATA_DIR)',
    TENANT_PORT_RANGE: `${config.portRange.min}-${config.portRange.max}`,
    TENANT_HOST: config.tenantHost,
    PROVISIONING_CONCURRENCY: config.provisioningConcurrency,
  };
}

export function maskUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}
