// Disposable e-mail providers, from the maintained `disposable-email-domains` list.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let domains: Set<string> | undefined;

export function isDisposableEmail(email: string): boolean {
  domains ??= new Set(require('disposable-email-domains') as string[]);
  const labels = email.slice(email.lastIndexOf('@') + 1).toLowerCase().split('.');
  // A subdomain of a disposable provider is disposable too.
  for (let i = 0; i < labels.length - 1; i++) {
    if (domains.has(labels.slice(i).join('.'))) return true;
  }
  return false;
}
