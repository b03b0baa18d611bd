// The interface every orchestrator driver implements (local child processes, Portainer).
// Provisioning owns it; drivers live under src/orchestrators/ and depend on this file only.

/** What a tenant stack is made of, rendered from the stack template's variables. */
export interface StackSpec {
  /** Stack name: `[a-z][a-z0-9-]*`, at most 40 characters, unique on the platform. */
  name: string;
  /** Orchestrator environment (a Portainer environment id, `local` for the local driver). */
  environment: string;
  /** Published port in port mode; null in domain mode. */
  port: number | null;
  /**
   * The template's variables (DESIGN §7): POSTGRES_PASSWORD, SECRET_KEY, INITIAL_USERNAME, INITIAL_PASSWORD,
   * CLIENT_ID, CLIENT_NAME, CLIENT_NUMBER, APP_PORT, APP_URL, PLATFORM_URL, TENANT_TOKEN, PLAN, QUOTA_USERS,
   * QUOTA_PROJECTS, QUOTA_STORAGE_GB, CPU_LIMIT, MEMORY_LIMIT_MB. Contains secrets: never log it.
   */
  variables: Readonly<Record<string, string>>;
}

/** Observed state of a stack, from the orchestrator's point of view (not the app's HTTP health). */
export type InstanceState = 'running' | 'starting' | 'unhealthy' | 'exited' | 'missing';

export interface ContainerStatus {
  name: string;
  state: InstanceState;
  /** Human-readable detail, e.g. `Up 5 minutes (healthy)` or `exit code 1, restarting in 4 s`. */
  status: string;
}

export interface StackStatus {
  name: string;
  state: InstanceState;
  containers: ContainerStatus[];
}

export interface Orchestrator {
  readonly kind: 'local' | 'portainer';
  /** Environments new stacks may be placed in. */
  environments(): string[];
  /**
   * Creates and starts the stack. Idempotent: a stack of ours with the same name is adopted (started and updated
   * to the spec) instead of failing, so a retried or resumed deployment never creates a second one.
   */
  deploy(spec: StackSpec): Promise<{ externalId: string }>;
  /**
   * Port mode: whether something outside the platform listens on the port (an orphaned process, another service),
   * so that reserve passes it over. Optional: a driver that cannot tell leaves it out.
   */
  portInUse?(environment: string, port: number): Promise<boolean>;
  /** Replaces the stack's definition (full variables) and restarts it. */
  update(spec: StackSpec): Promise<void>;
  inspect(environment: string, name: string): Promise<StackStatus>;
  /** Every stack of ours in one environment, in one call to the orchestrator whatever their number. */
  inspectAll(environment: string): Promise<Map<string, StackStatus>>;
  /** Stops the stack, keeping its data. Idempotent. */
  stop(environment: string, name: string): Promise<void>;
  /** Starts a stopped stack. Idempotent. */
  start(environment: string, name: string): Promise<void>;
  /** Removes the stack and its data. Idempotent: removing a missing stack succeeds. */
  remove(environment: string, name: string): Promise<void>;
  /** The last lines of the stack's logs, as text. */
  logs(environment: string, name: string, options?: { tail?: number }): Promise<string>;
  /** Releases what the driver holds in this process (local: stops supervised tenants, keeping their data). */
  close(): Promise<void>;
}

/** Thrown by drivers: `transient` failures are retried with backoff, the others fail the step at once. */
export class OrchestratorError extends Error {
  readonly transient: boolean;
  constructor(message: string, options: { transient: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'OrchestratorError';
    this.transient = options.transient;
  }
}
