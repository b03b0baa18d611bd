// The Docker engines behind the fake: compose projects as containers, swarm stacks as services with tasks (and
// their containers). Health follows the healthcheck: `starting` until `healthyAfterMs` after the container
// started, then `healthy`, unless a test forced another outcome.
import { ComposeError } from './compose-file.ts';
import type { ComposeFile, ComposeService } from './compose-file.ts';
import { containerId, randomId } from './state.ts';
import type { FakeContainer, FakeService, FakeState, FakeTask } from './state.ts';

const COMPOSE_VERSION = '2.29.2';
const UNHEALTHY_TASK_ERROR = 'task: non-zero exit (137): dockerexec: unhealthy container';

export interface EngineSettings {
  healthyAfterMs: number;
}

export type Engine = ReturnType<typeof createEngine>;

export function createEngine(state: FakeState, settings: EngineSettings) {
  function containers(envId: number): FakeContainer[] {
    return [...state.containers.values()].filter((c) => c.envId === envId);
  }

  function projectContainers(envId: number, project: string): FakeContainer[] {
    return containers(envId).filter((c) => c.labels['com.docker.compose.project'] === project);
  }

  function namespaceServices(envId: number, namespace: string): FakeService[] {
    return [...state.services.values()].filter((s) => s.envId === envId && s.namespace === namespace);
  }

  function health(c: FakeContainer): 'none' | 'starting' | 'healthy' | 'unhealthy' {
    if (!c.hasHealthcheck || c.state !== 'running') return 'none';
    if (c.forcedHealth) return c.forcedHealth;
    return Date.now() - c.startedAt >= settings.healthyAfterMs ? 'healthy' : 'starting';
  }

  function newContainer(envId: number, fields: Pick<FakeContainer, 'name' | 'project' | 'service' | 'number' | 'image' | 'labels' | 'hasHealthcheck' | 'ports' | 'taskId' | 'volumes'>): FakeContainer {
    const now = Date.now();
    const container: FakeContainer = {
      ...fields,
      Id: containerId(),
      envId,
      state: 'running',
      exitCode: 0,
      createdAt: now,
      startedAt: now,
      finishedAt: 0,
      forcedHealth: null,
      logs: [
        { stream: 1, time: now, text: `${fields.service}: starting ${fields.image}` },
        { stream: 2, time: now + 1, text: `${fields.service}: no previous state found, initialising` },
        { stream: 1, time: now + 2, text: `${fields.service}: ready` },
      ],
    };
    state.containers.set(container.Id, container);
    return container;
  }

  function assertPortsFree(envId: number, owner: string, services: ComposeService[]): void {
    const taken = new Set<number>();
    for (const c of containers(envId)) {
      if (c.project !== owner && c.state === 'running') for (const p of c.ports) taken.add(p.PublicPort);
    }
    for (const service of services) {
      for (const port of service.publishedPorts) {
        if (taken.has(port.published)) {
          throw new ComposeError(
            `Error response from daemon: driver failed programming external connectivity on endpoint ${owner}-${service.name}-1: Bind for 0.0.0.0:${port.published} failed: port is already allocated`,
          );
        }
      }
    }
  }

  /** Named volumes are created once, prefixed with the project or namespace, and outlive their containers. */
  function ensureVolumes(envId: number, prefix: string, compose: ComposeFile, ownerLabels: Record<string, string>): void {
    for (const volume of compose.volumes) {
      const name = `${prefix}_${volume.name}`;
      if (!state.volumes.has(name)) state.volumes.set(name, { Name: name, envId, labels: { ...volume.labels, ...ownerLabels }, createdAt: Date.now() });
    }
  }

  /** `docker compose up -d`: unchanged running projects are left alone, anything else is (re)created. */
  function composeUp(envId: number, project: string, stackId: number, compose: ComposeFile, changed: boolean): void {
    const { services } = compose;
    const existing = projectContainers(envId, project);
    const intact = existing.length > 0 && existing.every((c) => c.state === 'running');
    if (!changed && intact) return;
    assertPortsFree(envId, project, services);
    composeDown(envId, project);
    ensureVolumes(envId, project, compose, { 'com.docker.compose.project': project, 'com.docker.compose.version': COMPOSE_VERSION });
    for (const service of services) {
      for (let number = 1; number <= Math.max(1, service.replicas); number++) {
        newContainer(envId, {
          name: `/${project}-${service.name}-${number}`,
          project,
          service: service.name,
          number,
          image: service.image,
          labels: {
            ...service.labels,
            'com.docker.compose.project': project,
            'com.docker.compose.service': service.name,
            'com.docker.compose.container-number': String(number),
            'com.docker.compose.oneoff': 'False',
            'com.docker.compose.project.working_dir': `/data/compose/${stackId}`,
            'com.docker.compose.project.config_files': `/data/compose/${stackId}/docker-compose.yml`,
            'com.docker.compose.config-hash': randomId(64),
            'com.docker.compose.version': COMPOSE_VERSION,
            'com.docker.compose.image': service.image,
          },
          hasHealthcheck: service.hasHealthcheck,
          ports: service.publishedPorts.map((p) => ({ PrivatePort: p.target, PublicPort: p.published, Type: 'tcp' })),
          taskId: null,
          volumes: service.volumes.map((v) => `${project}_${v}`),
        });
      }
    }
  }

  /** `docker compose down --remove-orphans`: containers go away (named volumes would stay). */
  function composeDown(envId: number, project: string): void {
    for (const c of projectContainers(envId, project)) state.containers.delete(c.Id);
  }

  function startTask(service: FakeService, slot: number, ports: FakeContainer['ports'], hasHealthcheck: boolean, volumes: string[]): FakeTask {
    const task: FakeTask = {
      ID: randomId(25),
      envId: service.envId,
      serviceId: service.ID,
      slot,
      desiredState: 'running',
      forcedState: null,
      err: '',
      createdAt: Date.now(),
      containerId: '',
    };
    const container = newContainer(service.envId, {
      name: `/${service.namespace}_${service.service}.${slot}.${task.ID}`,
      project: service.namespace,
      service: service.service,
      number: slot,
      image: service.image,
      labels: {
        ...service.containerLabels,
        'com.docker.swarm.service.id': service.ID,
        'com.docker.swarm.service.name': `${service.namespace}_${service.service}`,
        'com.docker.swarm.task.id': task.ID,
        'com.docker.swarm.node.id': 'node1',
      },
      hasHealthcheck,
      ports,
      taskId: task.ID,
      volumes,
    });
    task.containerId = container.Id;
    state.tasks.set(task.ID, task);
    return task;
  }

  /** `docker stack deploy`: services are (re)created and get one task per replica; returns before they converge. */
  function stackDeploy(envId: number, namespace: string, compose: ComposeFile): void {
    stackRm(envId, namespace);
    ensureVolumes(envId, namespace, compose, { 'com.docker.stack.namespace': namespace });
    for (const spec of compose.services) {
      const namespaceLabel = { 'com.docker.stack.namespace': namespace };
      const service: FakeService = {
        ID: randomId(25),
        envId,
        namespace,
        service: spec.name,
        image: spec.image,
        labels: { ...spec.deployLabels, ...namespaceLabel, 'com.docker.stack.image': spec.image },
        containerLabels: { ...spec.labels, ...namespaceLabel },
        replicas: spec.replicas,
        createdAt: Date.now(),
        version: 1,
      };
      state.services.set(service.ID, service);
      const ports = spec.publishedPorts.map((p) => ({ PrivatePort: p.target, PublicPort: p.published, Type: 'tcp' }));
      const volumes = spec.volumes.map((v) => `${namespace}_${v}`);
      for (let slot = 1; slot <= spec.replicas; slot++) startTask(service, slot, ports, spec.hasHealthcheck, volumes);
    }
  }

  /** `docker stack rm`: services, their tasks and containers go away. */
  function stackRm(envId: number, namespace: string): void {
    for (const service of namespaceServices(envId, namespace)) {
      for (const task of state.tasks.values()) {
        if (task.serviceId !== service.ID) continue;
        state.containers.delete(task.containerId);
        state.tasks.delete(task.ID);
      }
      state.services.delete(service.ID);
    }
  }

  function taskState(task: FakeTask): string {
    if (task.forcedState) return task.forcedState;
    const container = state.containers.get(task.containerId);
    if (!container) return 'shutdown';
    return health(container) === 'starting' ? 'starting' : 'running';
  }

  function serviceContaining(envId: number, project: string, serviceName: string): FakeContainer[] {
    return containers(envId).filter((c) => c.project === project && c.service === serviceName);
  }

  /** `DELETE /volumes/{name}`: refused while a container (even stopped) uses it. */
  function removeVolume(envId: number, name: string): 'removed' | 'missing' | { inUseBy: string[] } {
    const volume = state.volumes.get(name);
    if (!volume || volume.envId !== envId) return 'missing';
    const users = containers(envId).filter((c) => c.volumes.includes(name)).map((c) => c.Id);
    if (users.length > 0) return { inUseBy: users };
    state.volumes.delete(name);
    return 'removed';
  }

  return {
    containers,
    projectContainers,
    removeVolume,
    namespaceServices,
    health,
    composeUp,
    composeDown,
    stackDeploy,
    stackRm,
    taskState,

    /** Test control: the service's containers exit (compose) or its tasks fail (swarm, replaced when `restart`). */
    crash(envId: number, project: string, serviceName: string, exitCode = 1, restart = false): void {
      for (const c of serviceContaining(envId, project, serviceName)) {
        c.state = restart && !c.taskId ? 'restarting' : 'exited';
        c.exitCode = exitCode;
        c.finishedAt = Date.now();
        c.logs.push({ stream: 2, time: Date.now(), text: `${serviceName}: fatal error, exiting with code ${exitCode}` });
        if (c.taskId) failTask(c.taskId, `task: non-zero exit (${exitCode})`, restart);
      }
    },

    /** Test control: the healthcheck fails (compose: `(unhealthy)`; swarm: the task is killed and replaced). */
    makeUnhealthy(envId: number, project: string, serviceName: string): void {
      for (const c of serviceContaining(envId, project, serviceName)) {
        if (c.taskId) {
          c.state = 'exited';
          c.exitCode = 137;
          failTask(c.taskId, UNHEALTHY_TASK_ERROR, true);
        } else {
          c.forcedHealth = 'unhealthy';
        }
      }
    },

    appendLog(envId: number, project: string, serviceName: string, text: string, stream: 1 | 2 = 1): void {
      for (const c of serviceContaining(envId, project, serviceName)) c.logs.push({ stream, time: Date.now(), text });
    },
  };

  function failTask(taskId: string, err: string, restart: boolean): void {
    const task = state.tasks.get(taskId);
    const service = task && state.services.get(task.serviceId);
    if (!task || !service) return;
    task.forcedState = 'failed';
    task.err = err;
    task.desiredState = 'shutdown';
    if (restart) {
      const old = state.containers.get(task.containerId);
      startTask(service, task.slot, old?.ports ?? [], old?.hasHealthcheck ?? false, old?.volumes ?? []);
    }
  }
}
