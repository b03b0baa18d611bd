// Docker Engine API shapes: container summaries with their human `Status`, swarm services and tasks, Docker's
// `filters` query parameter, and the 8-byte-header frames of multiplexed (non-TTY) log streams.
import type { Engine } from './engine.ts';
import { parseJsonObject } from './http-io.ts';
import type { FakeContainer, FakeService, FakeState, FakeTask, LogLine } from './state.ts';

/** `{"label":["a=b"]}` or the legacy `{"label":{"a=b":true}}`; null when malformed. */
export function parseDockerFilters(raw: string | null): Map<string, string[]> | null {
  const filters = new Map<string, string[]>();
  if (raw === null || raw === '') return filters;
  const value = parseJsonObject(raw);
  if (!value) return null;
  for (const [key, entry] of Object.entries(value)) {
    if (Array.isArray(entry)) filters.set(key, entry.map(String));
    else if (entry !== null && typeof entry === 'object') filters.set(key, Object.keys(entry));
    else return null;
  }
  return filters;
}

/** Every `key` or `key=value` expression must match. */
export function matchesLabels(labels: Record<string, string>, expressions: string[] | undefined): boolean {
  return (expressions ?? []).every((expression) => {
    const [key, ...rest] = expression.split('=');
    if (!key || !(key in labels)) return false;
    return rest.length === 0 || labels[key] === rest.join('=');
  });
}

/** Docker's `units.HumanDuration`. */
function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(m / 60);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  return `${Math.floor(h / 24)} days`;
}

function containerStatusText(engine: Engine, c: FakeContainer): string {
  const now = Date.now();
  switch (c.state) {
    case 'running': {
      const suffix = { none: '', starting: ' (health: starting)', healthy: ' (healthy)', unhealthy: ' (unhealthy)' }[engine.health(c)];
      return `Up ${humanDuration(now - c.startedAt)}${suffix}`;
    }
    case 'restarting':
      return `Restarting (${c.exitCode}) ${humanDuration(now - c.finishedAt)} ago`;
    case 'exited':
      return `Exited (${c.exitCode}) ${humanDuration(now - c.finishedAt)} ago`;
    case 'created':
      return 'Created';
    default:
      return c.state;
  }
}

/** A `containers/json` item; `Health` only from API 1.52, as in Docker. */
export function containerSummary(engine: Engine, c: FakeContainer, withHealth: boolean) {
  const health = engine.health(c);
  return {
    Id: c.Id,
    Names: [c.name],
    Image: c.image,
    ImageID: `sha256:${c.Id.slice(0, 64)}`,
    Command: 'docker-entrypoint.sh',
    Created: Math.floor(c.createdAt / 1000),
    Ports: c.ports.map((p) => ({ IP: '0.0.0.0', ...p })),
    Labels: c.labels,
    State: c.state,
    Status: containerStatusText(engine, c),
    ...(withHealth ? { Health: { Status: health, FailingStreak: health === 'unhealthy' ? 3 : 0 } } : {}),
    HostConfig: { NetworkMode: `${c.project}_default` },
    NetworkSettings: { Networks: {} },
    Mounts: [],
  };
}

export function containerInspect(engine: Engine, c: FakeContainer) {
  const health = engine.health(c);
  return {
    Id: c.Id,
    Name: c.name,
    Created: new Date(c.createdAt).toISOString(),
    State: {
      Status: c.state,
      Running: c.state === 'running',
      Restarting: c.state === 'restarting',
      ExitCode: c.exitCode,
      StartedAt: new Date(c.startedAt).toISOString(),
      FinishedAt: c.finishedAt ? new Date(c.finishedAt).toISOString() : '0001-01-01T00:00:00Z',
      ...(health === 'none' ? {} : { Health: { Status: health, FailingStreak: health === 'unhealthy' ? 3 : 0, Log: [] } }),
    },
    Config: { Image: c.image, Labels: c.labels },
  };
}

export function serviceSummary(state: FakeState, engine: Engine, s: FakeService, withStatus: boolean) {
  // Only `status=true` needs the tasks: scanning them for every service would make large listings quadratic.
  const tasks = withStatus ? [...state.tasks.values()].filter((t) => t.serviceId === s.ID) : [];
  const time = new Date(s.createdAt).toISOString();
  return {
    ID: s.ID,
    Version: { Index: s.version },
    CreatedAt: time,
    UpdatedAt: time,
    Spec: {
      Name: `${s.namespace}_${s.service}`,
      Labels: s.labels,
      TaskTemplate: { ContainerSpec: { Image: s.image, Labels: s.containerLabels } },
      Mode: { Replicated: { Replicas: s.replicas } },
    },
    Endpoint: { Spec: {} },
    ...(withStatus
      ? {
          ServiceStatus: {
            RunningTasks: tasks.filter((t) => engine.taskState(t) === 'running').length,
            DesiredTasks: s.replicas,
            CompletedTasks: tasks.filter((t) => engine.taskState(t) === 'complete').length,
          },
        }
      : {}),
  };
}

export function taskSummary(state: FakeState, engine: Engine, t: FakeTask) {
  const service = state.services.get(t.serviceId);
  const container = state.containers.get(t.containerId);
  const taskState = engine.taskState(t);
  const time = new Date(t.createdAt).toISOString();
  return {
    ID: t.ID,
    Version: { Index: 1 },
    CreatedAt: time,
    UpdatedAt: time,
    Labels: {},
    Spec: { ContainerSpec: { Image: service?.image ?? '', Labels: service?.containerLabels ?? {} } },
    ServiceID: t.serviceId,
    Slot: t.slot,
    NodeID: 'node1',
    Status: {
      Timestamp: new Date(container?.finishedAt || t.createdAt).toISOString(),
      State: taskState,
      Message: taskState === 'failed' ? 'started' : taskState,
      ...(t.err ? { Err: t.err } : {}),
      ContainerStatus: { ContainerID: t.containerId, PID: taskState === 'running' ? 4242 : 0, ExitCode: container?.exitCode ?? 0 },
    },
    DesiredState: t.desiredState,
  };
}

/** Docker's log stream for a container without a TTY: `[stream, 0, 0, 0, size(uint32 BE)]` + payload per line. */
export function frameLogs(lines: LogLine[], timestamps: boolean): Buffer {
  return Buffer.concat(
    lines.map((line) => {
      const payload = Buffer.from(`${timestamps ? `${new Date(line.time).toISOString()} ` : ''}${line.text}\n`);
      const header = Buffer.alloc(8);
      header[0] = line.stream;
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    }),
  );
}
