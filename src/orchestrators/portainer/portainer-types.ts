// The parts of Portainer's and Docker's JSON the driver reads (reference §4, §5.1, §7). Keys as sent.

export interface EnvPair {
  name: string;
  value: string;
}

export interface PortainerStack {
  Id: number;
  Name: string;
  /** 1 swarm, 2 compose, 3 Kubernetes. */
  Type: number;
  EndpointId: number;
  SwarmId: string;
  Env: EnvPair[] | null;
  /** 1 active, 2 inactive: Portainer's bookkeeping of start/stop, never the containers' health. */
  Status: number;
}

export interface PortainerEndpoint {
  Id: number;
  Name: string;
  Type: number;
  /** 1 up, 2 down, as of Portainer's last snapshot. */
  Status: number;
  URL: string;
  Snapshots?: { Swarm?: boolean }[];
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Labels: Record<string, string> | null;
  State: string;
  Status: string;
  /** Docker API 1.52+ only; older engines put health inside `Status`. */
  Health?: { Status: string };
}

export interface SwarmService {
  ID: string;
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
  };
}

export interface SwarmTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState: string;
  Spec?: { ContainerSpec?: { Labels?: Record<string, string> } };
  Status: { Timestamp?: string; State: string; Message?: string; Err?: string; ContainerStatus?: { ExitCode?: number } };
}

export const STACK_TYPE = { swarm: 1, compose: 2 } as const;
export const STACK_STATUS = { active: 1, inactive: 2 } as const;
