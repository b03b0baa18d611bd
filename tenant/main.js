// Entry point of the demo ERP instance: `node tenant/main.js` (npm run tenant), configured by the
// environment (see docs/tenant-contract.md). Every instance runs the same code, so Node's compile
// cache (NODE_COMPILE_CACHE, by default a directory under the system's temporary directory) lets an
// instance start on what another one already compiled: about a third less CPU, which is what a burst
// of new instances waits on. It must be enabled before the application's modules load, and this file
// is JavaScript for the same reason: a TypeScript entry would make Node load its type stripper (about
// 200 ms of CPU) before the cache is on, whereas the cache also holds the stripped sources.
import module from 'node:module';

module.enableCompileCache();
await import('./start.ts');
