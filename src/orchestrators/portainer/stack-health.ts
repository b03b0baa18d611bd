// Observed state of our stacks from the Docker proxy (reference §7.1, §7.3), never from the Stack's `Status`.
// Compose: each container's State, with its health from `Health` (API 1.52+) or the `(healthy)` suffix of Status.
// Swarm: the current task of each replica, and whether the task before it was killed as unhealthy.
import type { ContainerStatus, InstanceState, StackStatus } from '../../provisioning/orchestrator.ts';
import type { ContainerSummary, SwarmService, SwarmTask } from './portainer-types.ts';
import { STACK_LABEL } from './stack-identity.ts';

/** The worst state wins: one exited container makes the stack exited. */
const SEVERITY: InstanceState[] = ['running', 'starting', 'unhealthy', 'exited', 'missing'];
const PENDING_TASK_STATES = new Set(['new', 'allocated', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);

export function missingStack(name: string): StackStatus {
  return { name, state: 'missing', containers: [] };
}

function worst(states: InstanceState[]): InstanceState {
  return states.reduce<InstanceState>((acc, s) => (SEVERITY.indexOf(s) > SEVERITY.indexOf(acc) ? s : acc), 'running');
}

function containerState(c: ContainerSummary): InstanceState {
  switch (c.State) {
    case 'running': {
      const health = c.Health?.Status ?? /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1];
      if (health === 'unhealthy') return 'unhealthy';
      return health === 'starting' || health === 'health: starting' ? 'starting' : 'running';
    }
    case 'created':
    case 'restarting':
      return 'starting';
    case 'paused':
      return 'unhealthy';
    default:
      return 'exited';
  }
}

function addTo(stacks: Map<string, StackStatus>, name: string, container: ContainerStatus): void {
  let stack = stacks.get(name);
  if (!stack) {
    stack = { name, state: 'running', containers: [] };
    stacks.set(name, stack);
  }
  stack.containers.push(container);
  stack.state = worst(stack.containers.map((c) => c.state));
}

/** Containers listed with `all=1` and our label, grouped by stack. */
export function stacksFromContainers(containers: ContainerSummary[]): Map<string, StackStatus> {
  const stacks = new Map<string, StackStatus>();
  for (const c of containers) {
    const name = c.Labels?.[STACK_LABEL];
    if (!name) continue;
    addTo(stacks, name, { name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), state: containerState(c), status: c.Status });
  }
  for (const stack of stacks.values()) stack.containers.sort((a, b) => a.name.localeCompare(b.name));
  return stacks;
}

function taskDetail(task: SwarmTask): string {
  const { State, Message, Err } = task.Status;
  return [State, Message && Message !== State ? Message : '', Err ? `(${Err})` : ''].filter(Boolean).join(' ');
}

/** Swarm services with our label and their tasks: one entry per replica slot (per node for global services). */
export function stacksFromTasks(services: SwarmService[], tasks: SwarmTask[]): Map<string, StackStatus> {
  const stacks = new Map<string, StackStatus>();
  // Tasks by service, then by slot: one pass, so thousands of services cost no more than their tasks.
  const slotsByService = new Map<string, Map<string, SwarmTask[]>>();
  for (const task of tasks) {
    let slots = slotsByService.get(task.ServiceID);
    if (!slots) slotsByService.set(task.ServiceID, (slots = new Map()));
    const slot = String(task.Slot ?? task.NodeID ?? task.ID);
    slots.set(slot, [...(slots.get(slot) ?? []), task]);
  }
  for (const service of services) {
    const name = service.Spec.Labels?.[STACK_LABEL];
    if (!name) continue;
    const slots = [...(slotsByService.get(service.ID) ?? new Map<string, SwarmTask[]>()).entries()];
    const replicas = service.Spec.Mode?.Replicated?.Replicas ?? slots.length;
    for (let i = 0; i < Math.max(replicas, slots.length); i++) {
      const [slot, slotTasks] = slots[i] ?? [String(i + 1), []];
      addTo(stacks, name, slotStatus(`${service.Spec.Name}.${slot}`, slotTasks));
    }
  }
  return stacks;
}

function slotStatus(name: string, tasks: SwarmTask[]): ContainerStatus {
  const byTime = [...tasks].sort((a, b) => (a.Status.Timestamp ?? '').localeCompare(b.Status.Timestamp ?? ''));
  const current = byTime.filter((t) => t.DesiredState === 'running').at(-1);
  const previous = byTime.filter((t) => t !== current).at(-1);
  if (!current) {
    return { name, state: 'exited', status: previous ? taskDetail(previous) : 'no task scheduled' };
  }
  const state = current.Status.State;
  if (state === 'running') return { name, state: 'running', status: taskDetail(current) };
  if (PENDING_TASK_STATES.has(state)) {
    // Swarm kills an unhealthy task and starts another: the replacement starting is the sign of it.
    const killedUnhealthy = previous !== undefined && /unhealthy/i.test(previous.Status.Err ?? '');
    return {
      name,
      state: killedUnhealthy ? 'unhealthy' : 'starting',
      status: killedUnhealthy ? `${taskDetail(current)}; previous task: ${taskDetail(previous!)}` : taskDetail(current),
    };
  }
  return { name, state: 'exited', status: taskDetail(current) };
}
