// All configuration, read once from the environment at start and validated as a whole:
// every invalid variable is reported in one error, naming it and what is expected.
// Nothing else in the program reads process.env.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { isValidEmail } from './forms/form-fields.ts';
import { t } from './i18n/index.ts';

export type Orchestrator = 'local' | 'portainer';
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
  /** REST API requests per key per minute. */
  apiRateLimit: number;
  trustProxy: boolean;
  /** Master key ring for the vault; unset: a generated key file under dataDir. */
  masterKey: string | undefined;
  /** Ports published by tenant stacks in port mode. */
  portRange: { min: number; max: number };
  /** Host name in tenant URLs in port mode (`http://<host>:<port>`). */
  tenantHost: string;
  /** Deployments run at once per orchestrator environment, across all workers. */
  provisioningConcurrency: number;
  /** Health monitoring (src/monitoring): one cycle every so many seconds, across all workers. */
  healthCheckIntervalSeconds: number;
  /** Per-probe timeout of an instance's /health, and probes in flight at once. */
  healthProbeTimeoutSeconds: number;
  healthProbeConcurrency: number;
  /** Down this long → one automatic restart; still down this long after it → staff alerted. */
  healAfterSeconds: number;
  /** Health history kept this long. */
  healthHistoryDays: number;
  /** Fault injection for the crash tests only: the process kills itself right after this saga step succeeds. */
  faultKillAfterStep: string | undefined;
  /** The Portainer driver's connection, when ORCHESTRATOR=portainer. */
  portainer: PortainerConfig | undefined;
  /** Domain mode (`https://{name}.erp-btp.fr`): tenants are reached at this URL through Traefik, no port is published. */
  tenantUrlTemplate: string | undefined;
  /** The vendor's stack template (Compose YAML); unset: templates/erp-btp.compose.yml. */
  stackTemplate: string | undefined;
  /** SMTP server (`smtp://user:pass@host:587`, `smtps://…:465`); unset: the embedded SMTP sink. */
  smtpUrl: string | undefined;
  /** Sender of every e-mail, `Name <address>` or an address. */
  mailFrom: string;
  /** Staff addresses told about deployments that fail for good. */
  adminEmails: string[];
  /** Where contact form messages are forwarded. */
  salesEmail: string;
  /** The support contact given to customers. */
  supportEmail: string;
  /** Longest wait between two attempts of an e-mail the server refused for now. */
  mailRetryMaxSeconds: number;
  /** How long a worker keeps an e-mail reserved while sending it; after a crash it is resent once this has passed. */
  mailSendLeaseSeconds: number;
  /** Fault injection for the crash tests only: the process kills itself once an e-mail is accepted, before recording it. */
  faultKillAfterMailSent: boolean;
  /** Webhooks told about alerts (Slack-compatible JSON). Their URLs often carry a token: never printed. */
  alertWebhookUrls: string[];
  /** An open, unacknowledged alert is notified again after this long (and a key at most once per interval). */
  alertReminderMinutes: number;
  /** A resolved alert's recovery notice waits until it has stayed resolved this long (a flap reopens it silently). */
  alertRecoveryDelayMinutes: number;
  /** When the daily trial lifecycle runs, `HH:MM` Paris time; calendar e-mails (reminders, notices) go out from then. */
  lifecycleRunAt: string;
  /** Paris days an expired trial's suspended instance and data are kept before deletion. */
  trialGraceDays: number;
  /** Dashboard sessions end after this much inactivity… */
  adminSessionIdleMinutes: number;
  /** …and after this long in any case. */
  adminSessionMaxHours: number;
  /** Bearer token of GET /metrics; unset: no /metrics route. */
  metricsToken: string | undefined;
  /** Derived: true when no DATABASE_URL is given. */
  embeddedDatabase: boolean;
}

export interface PortainerConfig {
  url: string;
  /** Preferred over username and password when both are given. */
  apiKey: string | undefined;
  username: string | undefined;
  password: string | undefined;
  /** Portainer environment ids new stacks are placed in. */
  environments: string[];
  /** Accept Portainer's self-signed certificate (logged as a warning). */
  insecureTls: boolean;
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
export const SECRET_VARIABLES = ['DATABASE_URL', 'MASTER_KEY', 'SMTP_URL', 'PORTAINER_API_KEY', 'PORTAINER_PASSWORD', 'ALERT_WEBHOOK_URLS', 'METRICS_TOKEN'] as const;

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
  const emails = (name: string, fallback: string[]) =>
    read(name, fallback, (raw) => {
      const list = raw.split(',').map((e) => e.trim()).filter(Boolean);
      return list.length > 0 && list.every(isValidEmail) ? list : undefined;
    }, t('config.expected.emails'));
  const mailbox = (name: string, fallback: string) =>
    read(name, fallback, (raw) => (isValidMailbox(raw) ? raw : undefined), t('config.expected.mailbox'));
  const orchestrator = oneOf<Orchestrator>('ORCHESTRATOR', 'local', ['local', 'portainer']);
  const portainer = (): PortainerConfig => {
    if (!env.PORTAINER_URL?.trim()) problems.push(t('config.required', { name: 'PORTAINER_URL', condition: 'ORCHESTRATOR=portainer' }));
    const settings: PortainerConfig = {
      url: url('PORTAINER_URL', ['http:', 'https:']) ?? '',
      apiKey: env.PORTAINER_API_KEY?.trim() || undefined,
      username: env.PORTAINER_USERNAME?.trim() || undefined,
      password: env.PORTAINER_PASSWORD || undefined,
      environments: read('PORTAINER_ENDPOINT_ID', ['1'], parseEnvironmentIds, t('config.expected.environmentIds')),
      insecureTls: boolean('PORTAINER_INSECURE_TLS', false),
    };
    if (settings.apiKey) return settings;
    if (!settings.username && !settings.password) problems.push(t('config.portainer.credentials'));
    else if (!settings.password) problems.push(t('config.required', { name: 'PORTAINER_PASSWORD', condition: 'PORTAINER_USERNAME' }));
    else if (!settings.username) problems.push(t('config.required', { name: 'PORTAINER_USERNAME', condition: 'PORTAINER_PASSWORD' }));
    return settings;
  };
  const tenantUrlTemplate = read<string | undefined>('TENANT_URL_TEMPLATE', undefined, parseTenantUrlTemplate, t('config.expected.tenantUrlTemplate'));
  // Only the Portainer driver routes by host name (Traefik labels); local tenants are reached on their port.
  if (tenantUrlTemplate && orchestrator !== 'portainer') problems.push(t('config.domainModeNeedsPortainer'));
  const config: Config = {
    port,
    host,
    publicUrl: (url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    dataDir: path.resolve(cwd, env.DATA_DIR || 'data'),
    databaseUrl,
    logLevel: oneOf<LogLevel>('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    logFileMaxMb: integer('LOG_FILE_MAX_MB', 10, 1, 1024),
    logFileCount: integer('LOG_FILE_COUNT', 5, 1, 100),
    orchestrator,
    plansFile: env.PLANS_FILE ? path.resolve(cwd, env.PLANS_FILE) : undefined,
    signupRateLimit: integer('SIGNUP_RATE_LIMIT', 5, 0, 1_000_000),
    apiRateLimit: integer('API_RATE_LIMIT', 600, 1, 1_000_000),
    trustProxy: boolean('TRUST_PROXY', false),
    masterKey: env.MASTER_KEY || undefined,
    portRange: read('TENANT_PORT_RANGE', { min: 41000, max: 41999 }, parsePortRange, t('config.expected.portRange')),
    tenantHost: read('TENANT_HOST', 'localhost', (raw) => (/^[A-Za-z0-9.-]+$/.test(raw) ? raw : undefined), t('config.expected.nonEmpty')),
    provisioningConcurrency: integer('PROVISIONING_CONCURRENCY', 4, 1, 100),
    healthCheckIntervalSeconds: integer('HEALTH_CHECK_INTERVAL_SECONDS', 300, 15, 3_600),
    healthProbeTimeoutSeconds: integer('HEALTH_PROBE_TIMEOUT_SECONDS', 5, 1, 60),
    // Waiting sockets cost little: 100 keeps a cycle over 10,000 stacks short even when 10 % hang until the timeout.
    healthProbeConcurrency: integer('HEALTH_PROBE_CONCURRENCY', 100, 1, 1_000),
    healAfterSeconds: integer('HEAL_AFTER_SECONDS', 120, 0, 86_400),
    healthHistoryDays: integer('HEALTH_HISTORY_DAYS', 30, 1, 3_650),
    faultKillAfterStep: env.ERPBTP_FAULT_KILL_AFTER_STEP || undefined,
    portainer: orchestrator === 'portainer' ? portainer() : undefined,
    tenantUrlTemplate,
    stackTemplate: read<string | undefined>('STACK_TEMPLATE', undefined, (raw) => readableFile(path.resolve(cwd, raw)), t('config.expected.file')),
    smtpUrl: url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: mailbox('MAIL_FROM', 'ERP BTP Cloud <ne-pas-repondre@erp-btp.fr>'),
    adminEmails: emails('ADMIN_EMAILS', ['exploitation@erp-btp.fr']),
    salesEmail: mailbox('SALES_EMAIL', 'commercial@erp-btp.fr'),
    supportEmail: mailbox('SUPPORT_EMAIL', 'support@erp-btp.fr'),
    mailRetryMaxSeconds: integer('MAIL_RETRY_MAX_SECONDS', 600, 1, 86_400),
    mailSendLeaseSeconds: integer('MAIL_SEND_LEASE_SECONDS', 120, 1, 3_600),
    faultKillAfterMailSent: env.ERPBTP_FAULT_KILL_AFTER_MAIL_SENT === 'true',
    alertWebhookUrls: read('ALERT_WEBHOOK_URLS', [], parseWebhookUrls, t('config.expected.webhookUrls')),
    alertReminderMinutes: integer('ALERT_REMINDER_MINUTES', 60, 1, 10_080),
    alertRecoveryDelayMinutes: integer('ALERT_RECOVERY_DELAY_MINUTES', 5, 0, 1_440),
    lifecycleRunAt: read('LIFECYCLE_RUN_AT', '07:00', parseRunAt, t('config.expected.lifecycleRunAt')),
    trialGraceDays: integer('TRIAL_GRACE_DAYS', 30, 2, 365),
    adminSessionIdleMinutes: integer('ADMIN_SESSION_IDLE_MINUTES', 30, 1, 1_440),
    adminSessionMaxHours: integer('ADMIN_SESSION_MAX_HOURS', 12, 1, 720),
    // A scraper's secret: long enough not to be guessed.
    metricsToken: read<string | undefined>('METRICS_TOKEN', undefined, (raw) => (raw.length >= 16 ? raw : undefined), t('config.expected.secret', { min: 16 })),
    embeddedDatabase: databaseUrl === undefined,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** `address` or `Display Name <address>`. */
function isValidMailbox(raw: string): boolean {
  const match = /^(?:[^<>]*<([^<>]+)>|([^<>\s]+))$/.exec(raw);
  return match !== null && isValidEmail(match[1] ?? match[2] ?? '');
}

/** `https://hooks.slack.com/services/…,https://…`: http(s) URLs without credentials in them, no duplicate. */
function parseWebhookUrls(raw: string): string[] | undefined {
  const urls = raw.split(',').map((u) => u.trim()).filter(Boolean);
  const valid = urls.every((u) => {
    const url = URL.parse(u);
    return url !== null && ['http:', 'https:'].includes(url.protocol) && !url.username && !url.password;
  });
  return urls.length > 0 && valid ? [...new Set(urls)] : undefined;
}

/** A webhook URL as printed: its origin only, the path (which often holds the token) masked. */
export function maskWebhookUrl(raw: string): string {
  return `${new URL(raw).origin}/***`;
}

/**
 * `HH:MM` (`7:00` accepted), Paris time, outside 02:00-02:59: that hour does not exist on the last Sunday of March
 * and happens twice on the last Sunday of October, so a daily schedule there would skip or double a day.
 */
function parseRunAt(raw: string): string | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(raw);
  if (!match) return undefined;
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  if (hour > 23 || minute > 59 || hour === 2) return undefined;
  return `${String(hour).padStart(2, '0')}:${match[2]}`;
}

/** `1` or `1,2`: Portainer environment ids, positive integers. */
function parseEnvironmentIds(raw: string): string[] | undefined {
  const ids = raw.split(',').map((id) => id.trim());
  return ids.every((id) => /^[1-9]\d*$/.test(id)) ? [...new Set(ids)] : undefined;
}

/** `https://{name}.erp-btp.fr`: `{name}` in the host name, which Traefik routes to the stack; no path. */
function parseTenantUrlTemplate(raw: string): string | undefined {
  const template = raw.replace(/\/+$/, '');
  const sample = URL.parse(template.replaceAll('{name}', 'stack-name'));
  if (!sample || !['http:', 'https:'].includes(sample.protocol) || sample.username || sample.pathname !== '/' || sample.search || sample.hash) return undefined;
  return sample.hostname.includes('stack-name') && /^[a-z0-9.-]+$/.test(sample.hostname) ? template : undefined;
}

function readableFile(file: string): string | undefined {
  try {
    accessSync(file, constants.R_OK);
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
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
    ...(config.portainer ? describePortainer(config, config.portainer) : {}),
    PLANS_FILE: config.plansFile ?? '(plans par défaut)',
    SIGNUP_RATE_LIMIT: config.signupRateLimit,
    API_RATE_LIMIT: config.apiRateLimit,
    TRUST_PROXY: config.trustProxy,
    MASTER_KEY: config.masterKey ? '***' : '(fichier de clé sous DATA_DIR)',
    TENANT_PORT_RANGE: `${config.portRange.min}-${config.portRange.max}`,
    TENANT_HOST: config.tenantHost,
    PROVISIONING_CONCURRENCY: config.provisioningConcurrency,
    HEALTH_CHECK_INTERVAL_SECONDS: config.healthCheckIntervalSeconds,
    HEALTH_PROBE_TIMEOUT_SECONDS: config.healthProbeTimeoutSeconds,
    HEALTH_PROBE_CONCURRENCY: config.healthProbeConcurrency,
    HEAL_AFTER_SECONDS: config.healAfterSeconds,
    HEALTH_HISTORY_DAYS: config.healthHistoryDays,
    SMTP_URL: config.smtpUrl ? maskUrl(config.smtpUrl) : '(serveur SMTP embarqué : erpbtp mail list)',
    MAIL_FROM: config.mailFrom,
    ADMIN_EMAILS: config.adminEmails.join(', '),
    SALES_EMAIL: config.salesEmail,
    SUPPORT_EMAIL: config.supportEmail,
    MAIL_RETRY_MAX_SECONDS: config.mailRetryMaxSeconds,
    MAIL_SEND_LEASE_SECONDS: config.mailSendLeaseSeconds,
    ALERT_WEBHOOK_URLS: config.alertWebhookUrls.length > 0 ? config.alertWebhookUrls.map(maskWebhookUrl).join(', ') : '(aucun webhook)',
    ALERT_REMINDER_MINUTES: config.alertReminderMinutes,
    ALERT_RECOVERY_DELAY_MINUTES: config.alertRecoveryDelayMinutes,
    LIFECYCLE_RUN_AT: `${config.lifecycleRunAt} (heure de Paris)`,
    TRIAL_GRACE_DAYS: config.trialGraceDays,
    ADMIN_SESSION_IDLE_MINUTES: config.adminSessionIdleMinutes,
    ADMIN_SESSION_MAX_HOURS: config.adminSessionMaxHours,
    METRICS_TOKEN: config.metricsToken ? '***' : '(non défini : pas de /metrics)',
  };
}

function describePortainer(config: Config, portainer: PortainerConfig): Record<string, string | boolean> {
  return {
    PORTAINER_URL: portainer.url,
    PORTAINER_API_KEY: portainer.apiKey ? '***' : '(non définie)',
    PORTAINER_USERNAME: portainer.username ?? '(non défini)',
    PORTAINER_PASSWORD: portainer.password ? '***' : '(non défini)',
    PORTAINER_ENDPOINT_ID: portainer.environments.join(','),
    PORTAINER_INSECURE_TLS: portainer.insecureTls,
    TENANT_URL_TEMPLATE: config.tenantUrlTemplate ?? '(mode port : http://TENANT_HOST:<port>)',
    STACK_TEMPLATE: config.stackTemplate ?? '(modèle fourni : templates/erp-btp.compose.yml)',
  };
}

export function maskUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}
