// The instance's configuration, read once from the environment at start. Every problem is reported at
// once, in French, naming the variable; values of secrets are never echoed back.
import { t } from './i18n/index.ts';

export type DatabaseConfig =
  | { kind: 'url'; connectionString: string }
  | { kind: 'fields'; host: string; port: number; database: string; user: string; password: string | undefined };

export interface PlanQuotas {
  /** -1 means unlimited; null means not given (the platform is then the only authority). */
  users: number | null;
  projects: number | null;
  storageGb: number | null;
}

export interface PlatformConfig {
  /** Base URL of the control plane, without a trailing slash. */
  url: string;
  token: string;
}

export interface TenantConfig {
  port: number;
  host: string;
  database: DatabaseConfig;
  secretKey: string;
  initialUsername: string;
  initialPassword: string;
  clientId: string | null;
  clientName: string;
  clientNumber: string | null;
  appUrl: string | null;
  /** Null when PLATFORM_URL and TENANT_TOKEN are absent (standalone run without a control plane). */
  platform: PlatformConfig | null;
  plan: string;
  quotas: PlanQuotas;
  logLevel: string;
  /** Derived: cookies get the Secure flag when the instance is served over HTTPS. */
  secureCookies: boolean;
}

export class TenantConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super([t('config.invalid'), ...issues.map((issue) => `  - ${issue}`)].join('\n'));
    this.name = 'TenantConfigError';
    this.issues = issues;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIN_SECRET_KEY = 32;

/** Parses and validates the environment; throws a TenantConfigError listing every invalid variable. */
export function parseTenantConfig(env: Env): TenantConfig {
  const issues: string[] = [];
  const read = createReader(env, issues);

  const port = read.port('APP_PORT', 8080);
  const host = read.text('APP_HOST') ?? '0.0.0.0';
  const database = readDatabase(env, read, issues);

  const secretKey = read.required('SECRET_KEY');
  if (secretKey !== '' && secretKey.length < MIN_SECRET_KEY) {
    issues.push(t('config.secretKey', { length: secretKey.length }));
  }
  const initialUsername = read.required('INITIAL_USERNAME', 64);
  const initialPassword = read.required('INITIAL_PASSWORD', 200);
  if (initialPassword !== '' && initialPassword.length < 8) issues.push(t('config.initialPassword'));
  const clientName = read.required('CLIENT_NAME', 200);

  const appUrl = read.url('APP_URL');
  const platformUrl = read.url('PLATFORM_URL');
  const tenantToken = read.text('TENANT_TOKEN');
  if ((platformUrl === null) !== (tenantToken === null)) issues.push(t('config.platformPair'));

  const logLevel = read.text('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) issues.push(t('config.logLevel', { value: logLevel }));

  const config: TenantConfig = {
    port,
    host,
    database,
    secretKey,
    initialUsername,
    initialPassword,
    clientId: read.text('CLIENT_ID', 100),
    clientName,
    clientNumber: read.text('CLIENT_NUMBER', 100),
    appUrl,
    platform: platformUrl !== null && tenantToken !== null ? { url: platformUrl.replace(/\/+$/, ''), token: tenantToken } : null,
    plan: read.text('PLAN', 50) ?? 'essai',
    quotas: {
      users: read.quota('QUOTA_USERS'),
      projects: read.quota('QUOTA_PROJECTS'),
      storageGb: read.quota('QUOTA_STORAGE_GB'),
    },
    logLevel,
    secureCookies: appUrl?.startsWith('https://') ?? false,
  };
  if (issues.length > 0) throw new TenantConfigError(issues);
  return Object.freeze(config);
}

function readDatabase(env: Env, read: Reader, issues: string[]): DatabaseConfig {
  const url = read.text('DATABASE_URL');
  if (url !== null) {
    if (!isUrl(url, ['postgres:', 'postgresql:'])) issues.push(t('config.databaseUrl'));
    return { kind: 'url', connectionString: url };
  }
  const host = read.text('POSTGRES_HOST');
  const database = read.text('POSTGRES_DB');
  const user = read.text('POSTGRES_USER');
  const port = read.port('POSTGRES_PORT', 5432);
  if (host === null || database === null || user === null) {
    issues.push(t('config.database'));
  }
  // An empty password is legitimate with trust or peer authentication.
  return { kind: 'fields', host: host ?? '', port, database: database ?? '', user: user ?? '', password: env.POSTGRES_PASSWORD };
}

interface Reader {
  text(name: string, max?: number): string | null;
  required(name: string, max?: number): string;
  port(name: string, fallback: number): number;
  url(name: string): string | null;
  quota(name: string): number | null;
}

function createReader(env: Env, issues: string[]): Reader {
  const reader: Reader = {
    text(name, max) {
      const value = env[name]?.trim();
      if (value === undefined || value === '') return null;
      if (max !== undefined && value.length > max) issues.push(t('config.tooLong', { name, max }));
      return value;
    },
    required(name, max) {
      const value = reader.text(name, max);
      if (value === null) issues.push(t('config.required', { name }));
      return value ?? '';
    },
    port(name, fallback) {
      const value = reader.text(name);
      if (value === null) return fallback;
      const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
      if (!(n >= 0 && n <= 65535)) {
        issues.push(t('config.port', { name, value: value.slice(0, 20) }));
        return fallback;
      }
      return n;
    },
    url(name) {
      const value = reader.text(name, 2000);
      if (value !== null && !isUrl(value, ['http:', 'https:'])) issues.push(t('config.url', { name }));
      return value;
    },
    quota(name) {
      const value = reader.text(name);
      if (value === null) return null;
      if (!/^(-1|\d{1,12})$/.test(value)) {
        issues.push(t('config.quota', { name, value: value.slice(0, 20) }));
        return null;
      }
      return Number(value);
    },
  };
  return reader;
}

function isUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
