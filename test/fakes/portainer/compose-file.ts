// What the fake engine needs from a compose file: its services with image, labels, published ports, healthcheck
// and replicas, after `${VAR}` interpolation from the stack's env (compose `--env-file stack.env` or, for swarm,
// the process environment). Failures read like compose's stderr, which Portainer puts in its 500 message.
import { parse } from 'yaml';
import type { EnvPair } from './state.ts';

export interface ComposeService {
  name: string;
  image: string;
  labels: Record<string, string>;
  deployLabels: Record<string, string>;
  publishedPorts: { published: number; target: number }[];
  hasHealthcheck: boolean;
  replicas: number;
  /** Top-level named volumes it mounts. */
  volumes: string[];
}

export interface ComposeFile {
  services: ComposeService[];
  /** Top-level, non-external named volumes and their labels. */
  volumes: { name: string; labels: Record<string, string> }[];
}

export class ComposeError extends Error {}

export function readComposeFile(content: string, env: EnvPair[] | null): ComposeFile {
  const variables = new Map((env ?? []).map((pair) => [pair.name, pair.value]));
  let document: unknown;
  try {
    document = parse(content);
  } catch (err) {
    throw new ComposeError(`yaml: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(document)) throw new ComposeError('Top-level object must be a mapping');
  const services = document.services;
  if (!isObject(services) || Object.keys(services).length === 0) throw new ComposeError('no service selected');
  const text = (value: unknown) => interpolate(String(value ?? ''), variables);
  const declared = isObject(document.volumes) ? document.volumes : {};
  const volumes = Object.entries(declared)
    .filter(([, spec]) => !(isObject(spec) && spec.external === true))
    .map(([name, spec]) => ({ name, labels: labelsOf(isObject(spec) ? spec.labels : undefined, text) }));
  return { services: readServices(services, text, new Set(volumes.map((v) => v.name))), volumes };
}

function readServices(services: Record<string, unknown>, text: (value: unknown) => string, volumeNames: Set<string>): ComposeService[] {
  return Object.entries(services).map(([name, raw]) => {
    if (!isObject(raw)) throw new ComposeError(`services.${name} must be a mapping`);
    const deploy = isObject(raw.deploy) ? raw.deploy : {};
    const replicas = Number(deploy.replicas ?? 1);
    return {
      name,
      image: text(raw.image ?? `${name}:latest`),
      labels: labelsOf(raw.labels, text),
      deployLabels: labelsOf(deploy.labels, text),
      publishedPorts: portsOf(raw.ports, text, name),
      hasHealthcheck: isObject(raw.healthcheck) && raw.healthcheck.disable !== true,
      replicas: Number.isInteger(replicas) && replicas >= 0 ? replicas : 1,
      volumes: mountedVolumes(raw.volumes, text).filter((volume) => volumeNames.has(volume)),
    };
  });
}

/** Sources of `name:/path[:mode]` entries and of long-syntax `{type: volume, source}` entries. */
function mountedVolumes(raw: unknown, text: (value: unknown) => string): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => {
    if (isObject(item)) return item.type === 'volume' && item.source ? [text(item.source)] : [];
    const source = text(item).split(':')[0]!;
    return source && !/^[./~]/.test(source) ? [source] : [];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Compose labels: a mapping, or a list of `key=value` strings. */
function labelsOf(raw: unknown, text: (value: unknown) => string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const [key, ...value] = text(item).split('=');
      if (key) labels[key] = value.join('=');
    }
  } else if (isObject(raw)) {
    for (const [key, value] of Object.entries(raw)) labels[key] = text(value);
  }
  return labels;
}

/** Short syntax `[ip:]published:target[/proto]` and long syntax `{published, target}`; unpublished ports skipped. */
function portsOf(raw: unknown, text: (value: unknown) => string, service: string): { published: number; target: number }[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ComposeError(`services.${service}.ports must be a list`);
  const ports: { published: number; target: number }[] = [];
  for (const item of raw) {
    if (isObject(item)) {
      if (item.published !== undefined) ports.push({ published: Number(text(item.published)), target: Number(text(item.target)) });
      continue;
    }
    const parts = text(item).split('/')[0]!.split(':');
    if (parts.length < 2) continue;
    const published = Number(parts[parts.length - 2]);
    const target = Number(parts[parts.length - 1]);
    if (!Number.isInteger(published) || !Number.isInteger(target)) {
      throw new ComposeError(`invalid port specification: "${text(item)}"`);
    }
    ports.push({ published, target });
  }
  return ports;
}

/** `$$` is a literal `$`; `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR` read the env (unset → empty). */
export function interpolate(value: string, variables: Map<string, string>): string {
  return value.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_all, dollar: string, braced?: string, op?: string, fallback?: string, bare?: string) => {
    if (dollar === '$') return '$';
    const name = (braced ?? bare)!;
    const current = variables.get(name);
    if (op === ':-' && !current) return fallback ?? '';
    if (op === '-' && current === undefined) return fallback ?? '';
    return current ?? '';
  });
}
