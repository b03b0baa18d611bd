// Stack names are slugs of the company name: they become the orchestrator's stack name and
// part of the instance URL, so they must be safe for Docker Compose, Portainer and DNS.
import slugify from '@sindresorhus/slugify';

export const STACK_NAME_MAX = 40;
const FALLBACK = 'client';

/** `Bâtiments Dupont & Fils` → `batiments-dupont-et-fils`: lowercase, `[a-z0-9-]`, starts with a letter. */
export function stackNameBase(company: string): string {
  let slug = slugify(company.replace(/[.’']/g, ''), { decamelize: false, customReplacements: [['&', ' et ']] })
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (!slug) slug = FALLBACK;
  if (!/^[a-z]/.test(slug)) slug = `${FALLBACK}-${slug}`;
  return trimTo(slug, STACK_NAME_MAX);
}

/** The n-th candidate for a base: `base`, `base-2`, `base-3`…, always within the length limit. */
export function stackNameCandidate(base: string, n: number): string {
  if (n <= 1) return base;
  const suffix = `-${n}`;
  return `${trimTo(base, STACK_NAME_MAX - suffix.length)}${suffix}`;
}

function trimTo(slug: string, max: number): string {
  return slug.slice(0, max).replace(/-+$/, '');
}
