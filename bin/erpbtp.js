#!/usr/bin/env -S node --experimental-strip-types
// Entry point of `erpbtp` (npm start, npm run erpbtp, the package's bin): turns on Node's compile
// cache, then runs the command line (src/cli.ts, TypeScript run as is: Node >= 22.18, or 22.12 with the
// flag above). A start loads several hundred modules; with the cache (NODE_COMPILE_CACHE, by default a
// directory under the system's temporary directory) every start after the first runs V8's already
// compiled code for them, and the TypeScript sources come already stripped of their types. This file is
// JavaScript so that nothing loads before it.
import module from 'node:module';

module.enableCompileCache();

// Drizzle is imported by the platform as ES modules, and Node reads a package's package.json for every ES module
// file it loads from it: Drizzle's is 180 KB, and its few hundred files took about 0.8 s of each start (a quarter of
// it). Its CommonJS build, the same code, loads in about 0.15 s; ES imports of it are sent there. Only here, at the
// entry point, before anything imports it: a process never holds both builds.
module.registerHooks({
  resolve(specifier, context, nextResolve) {
    if ((specifier === 'drizzle-orm' || specifier.startsWith('drizzle-orm/')) && context.conditions.includes('import')) {
      return { ...nextResolve(specifier, { ...context, conditions: ['node', 'require', 'default'] }), format: 'commonjs' };
    }
    return nextResolve(specifier, context);
  },
});

await import('../src/cli.ts');
