// The fake's in-memory data: what Portainer keeps in BoltDB (environments, stacks, users, API keys) and what
// the Docker engines behind it hold (containers, swarm services and tasks). A "restart" keeps all of it.
import { randomBytes } from 'node:crypto';

export const STACK_TYPE = { swarm: 1, compose: 2, kubernetes: 3 } as const;
export const STACK_STATUS = { active: 1, inactive: 2 } as const;

export interface EnvironmentInput {
  id: number;
  name: string;
  /** Docker engine in swarm mode (manager). Ignored for Kubernetes types. */
  swarm?: boolean;
  /** Portainer's Type: 1 Docker, 2 Agent, 4 Edge Agent, 5-7 Kubernetes. Default 1. */
  type?: number;
  /** 1 up, 2 down (Portainer's last snapshot). Default 1. */
  status?: 1 | 2;
  url?: string;
}

export interface FakeEnvironment {
  Id: number;
  Name: string;
  Type: number;
  Status: 1 | 2;
  URL: string;
  swarm: boolean;
  swarmId: string;
  /** False: the engine behind the environment cannot be reached (proxy 502, name check 500). */
  engineReachable: boolean;
}

export interface EnvPair {
  name: string;
  value: string;
}

export interface FakeStack {
  Id: number;
  Name: string;
  Type: number;
  EndpointId: number;
  SwarmId: string;
  EntryPoint: string;
  Env: EnvPair[] | null;
  ResourceControl: {
    Id: number;
    ResourceId: string;
    SubResourceIds: string[];
    Type: number;
    UserAccesses: { UserId: number; AccessLevel: number }[];
    TeamAccesses: unknown[];
    Public: boolean;
    AdministratorsOnly: boolean;
    System: boolean;
  };
  Status: number;
  ProjectPath: string;
  CreationDate: number;
  CreatedBy: string;
  UpdateDate: number;
  UpdatedBy: string;
  AdditionalFiles: null;
  AutoUpdate: null;
  Option: null;
  GitConfig: null;
  FromAppTemplate: boolean;
  Namespace: string;
  /** Not serialised: the stored compose file or manifest. */
  file: string;
}

export interface LogLine {
  stream: 1 | 2;
  time: number;
  text: string;
}

export interface FakeContainer {
  Id: string;
  envId: number;
  name: string;
  project: string;
  service: string;
  number: number;
  image: string;
  labels: Record<string, string>;
  state: 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead';
  exitCode: number;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  hasHealthcheck: boolean;
  /** Set by tests: overrides the health the healthcheck would report. */
  forcedHealth: 'healthy' | 'unhealthy' | null;
  ports: { PrivatePort: number; PublicPort: number; Type: string }[];
  logs: LogLine[];
  /** The swarm task this container runs, if any. */
  taskId: string | null;
  /** Named volumes it mounts (full names). */
  volumes: string[];
}

export interface FakeVolume {
  Name: string;
  envId: number;
  labels: Record<string, string>;
  createdAt: number;
}

export interface FakeService {
  ID: string;
  envId: number;
  namespace: string;
  service: string;
  image: string;
  labels: Record<string, string>;
  containerLabels: Record<string, string>;
  replicas: number;
  createdAt: number;
  version: number;
}

export interface FakeTask {
  ID: string;
  envId: number;
  serviceId: string;
  slot: number;
  desiredState: 'running' | 'shutdown';
  /** Set by tests (a crashed task) or by a stack removal; otherwise derived from the container's health. */
  forcedState: 'failed' | 'shutdown' | null;
  err: string;
  createdAt: number;
  containerId: string;
}

export interface FakeUser {
  id: number;
  username: string;
  password: string;
  role: 1 | 2;
  /** Environments a standard user was granted; admins see all. */
  environments: number[];
}

export interface FakeState {
  environments: Map<number, FakeEnvironment>;
  stacks: Map<number, FakeStack>;
  /** BoltDB sequence: ids are never reused, failed creates use one up too. */
  nextStackId: number;
  nextResourceControlId: number;
  containers: Map<string, FakeContainer>;
  services: Map<string, FakeService>;
  tasks: Map<string, FakeTask>;
  /** Named volumes: `compose down` and `docker stack rm` keep them. */
  volumes: Map<string, FakeVolume>;
  users: FakeUser[];
  /** SHA-256 digests of accepted API keys → user id. Survive restarts, as Portainer stores only the digest. */
  apiKeys: Map<string, number>;
}

export function createState(environments: EnvironmentInput[], users: FakeUser[]): FakeState {
  return {
    environments: new Map(environments.map((input) => [input.id, toEnvironment(input)])),
    stacks: new Map(),
    nextStackId: 1,
    nextResourceControlId: 1,
    containers: new Map(),
    services: new Map(),
    tasks: new Map(),
    volumes: new Map(),
    users,
    apiKeys: new Map(),
  };
}

function toEnvironment(input: EnvironmentInput): FakeEnvironment {
  const type = input.type ?? 1;
  return {
    Id: input.id,
    Name: input.name,
    Type: type,
    Status: input.status ?? 1,
    URL: input.url ?? (type >= 5 ? 'https://kubernetes.default.svc' : 'unix:///var/run/docker.sock'),
    swarm: isDockerType(type) && input.swarm === true,
    swarmId: randomId(25),
    engineReachable: true,
  };
}

export function isDockerType(type: number): boolean {
  return type === 1 || type === 2 || type === 4;
}

/** Lower-case alphanumerics, the shape of Docker's swarm, service and task ids. */
export function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** A 64-hex container id. */
export function containerId(): string {
  return randomBytes(32).toString('hex');
}

/** The stack as Portainer serialises it (without the stored file). */
export function publicStack(stack: FakeStack): Omit<FakeStack, 'file'> {
  const { file: _file, ...rest } = stack;
  return structuredClone(rest);
}
