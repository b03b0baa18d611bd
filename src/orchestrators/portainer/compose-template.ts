// The stack template (a Compose file with placeholders) rendered into the file Portainer deploys.
// The template is parsed as YAML, placeholders are replaced inside scalars of the parsed tree and the result is
// emitted again, so a value can never change the document's structure, whatever characters it holds.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { OrchestratorError, type StackSpec } from '../../provisioning/orchestrator.ts';

const DEFAULT_TEMPLATE = fileURLToPath(new URL('../../../templates/erp-btp.compose.yml', import.meta.url));

/** `$$` (a literal `$` for Compose), `${NAME}`, `${NAME:-default}`, `$NAME`, or a `$` Compose would reject. */
const PLACEHOLDER = /\$(?:\$|\{([^}]*)\}|([A-Za-z_]\w*)|)/g;
const NAME_AND_DEFAULT = /^([A-Za-z_]\w*)(?::-([^$]*))?$/;
/** Mode fragments: merged into the mapping that holds them for their mode, dropped otherwise. */
const MODE_KEYS = { port: 'x-port-mode', domain: 'x-domain-mode' } as const;
type Mode = keyof typeof MODE_KEYS;
type Mapping = Record<string, unknown>;

/**
 * Reads the stack template: by default the one shipped in `templates/`; a relative `path` (STACK_TEMPLATE) is taken
 * from the working directory. Fails early, naming the file, if it cannot be read or is not a Compose YAML file.
 */
export function loadStackTemplate(path: string = DEFAULT_TEMPLATE): string {
  const file = resolve(path);
  try {
    const template = readFileSync(file, 'utf8');
    parseTemplate(template);
    return template;
  } catch (error) {
    throw new OrchestratorError(`stack template ${file}: ${(error as Error).message}`, { transient: false, cause: error });
  }
}

/**
 * The Compose file of one stack. With `domainTemplate` (e.g. `https://{name}.erp-btp.fr`) the stack is reached
 * through Traefik at that host (`x-domain-mode`); otherwise it publishes `spec.port` (`x-port-mode`).
 */
export function renderComposeFile(template: string, spec: StackSpec, options: { domainTemplate?: string } = {}): string {
  const { domainTemplate } = options;
  const mode: Mode = domainTemplate === undefined ? 'port' : 'domain';
  const modeValues = domainTemplate === undefined ? { APP_PORT: publishedPort(spec) } : { APP_DOMAIN: tenantHost(domainTemplate, spec.name) };
  const values = new Map(Object.entries({ ...spec.variables, STACK_NAME: spec.name, ...modeValues }));
  const problems = new Set<string>();
  const document = fillPlaceholders(selectMode(parseTemplate(template), mode), values, problems);
  if (problems.size > 0) {
    throw new OrchestratorError(`stack template: unknown or invalid placeholders ${[...problems].join(', ')}`, { transient: false });
  }
  // Every string is double-quoted: no YAML 1.1 reading (`yes`, `0755`, `12:30`) can turn a value into a number or
  // a boolean. Go's YAML parser (compose, docker stack) folds raw U+0085/U+2028/U+2029 like line breaks, so they
  // are written as escapes, which only occur inside those double-quoted strings.
  return stringify(document, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' })
    .replace(/[\u0085\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function parseTemplate(template: string): Mapping {
  // Merge keys (`<<: *defaults`) as Compose reads them.
  const document: unknown = parse(template, { merge: true });
  if (!isMapping(document) || !isMapping(document.services)) throw new Error('not a Compose file: no `services` mapping');
  return document;
}

function publishedPort(spec: StackSpec): string {
  if (spec.port === null) throw new OrchestratorError(`stack ${spec.name}: port mode needs a published port`, { transient: false });
  return String(spec.port);
}

/** The host Traefik routes to this stack, from a URL template such as `https://{name}.erp-btp.fr`. */
function tenantHost(domainTemplate: string, name: string): string {
  if (!domainTemplate.includes('{name}')) throw new OrchestratorError(`tenant URL template ${domainTemplate} has no {name}`, { transient: false });
  const host = URL.parse(domainTemplate.replaceAll('{name}', name))?.hostname ?? '';
  // The host goes inside a Traefik rule (Host(`...`)): only DNS characters may reach it.
  if (!/^[a-z0-9.-]+$/.test(host)) throw new OrchestratorError(`tenant URL template ${domainTemplate} does not give a host name`, { transient: false });
  return host;
}

function selectMode(node: unknown, mode: Mode): unknown {
  if (Array.isArray(node)) return node.map((item) => selectMode(item, mode));
  if (!isMapping(node)) return node;
  const kept = Object.entries(node).filter(([key]) => key !== MODE_KEYS.port && key !== MODE_KEYS.domain);
  const selected: Mapping = Object.fromEntries(kept.map(([key, value]) => [key, selectMode(value, mode)]));
  const fragment = node[MODE_KEYS[mode]];
  if (fragment === undefined) return selected;
  if (!isMapping(fragment)) throw new Error(`${MODE_KEYS[mode]} must be a mapping`);
  return merge(selected, fragment);
}

/** Mappings are merged key by key, lists are appended, anything else is replaced. */
function merge(base: unknown, addition: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(addition)) return [...base, ...addition];
  if (!isMapping(base) || !isMapping(addition)) return addition;
  const merged = { ...base };
  for (const [key, value] of Object.entries(addition)) merged[key] = Object.hasOwn(merged, key) ? merge(merged[key], value) : value;
  return merged;
}

/**
 * Replaces placeholders in every scalar. Values are escaped for Compose interpolation (`$` → `$$`); keys are not,
 * since Compose does not interpolate keys (a key placeholder names e.g. the stack's Traefik router).
 */
function fillPlaceholders(node: unknown, values: ReadonlyMap<string, string>, problems: Set<string>): unknown {
  if (typeof node === 'string') return fillText(node, values, problems, escapeForCompose);
  if (Array.isArray(node)) return node.map((item) => fillPlaceholders(item, values, problems));
  if (!isMapping(node)) return node;
  const entries = Object.entries(node).map(([key, value]) => [fillText(key, values, problems, (text) => text), fillPlaceholders(value, values, problems)]);
  const filled: Mapping = Object.fromEntries(entries);
  // Keys whose placeholders make them equal would silently drop one of the entries.
  if (Object.keys(filled).length < entries.length) problems.add(`keys that become equal among ${Object.keys(node).join(', ')}`);
  return filled;
}

function fillText(text: string, values: ReadonlyMap<string, string>, problems: Set<string>, escape: (value: string) => string): string {
  return text.replace(PLACEHOLDER, (match: string, braced?: string, bare?: string) => {
    if (match === '$$') return match;
    const [, name, fallback] = NAME_AND_DEFAULT.exec(braced ?? bare ?? '') ?? [];
    const value = name === undefined ? undefined : values.get(name);
    if (value !== undefined) return escape(value);
    if (fallback !== undefined) return fallback;
    problems.add(match);
    return match;
  });
}

function escapeForCompose(value: string): string {
  return value.split('$').join('$$');
}

function isMapping(node: unknown): node is Mapping {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}
