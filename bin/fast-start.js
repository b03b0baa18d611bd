// What makes a process of the platform start fast, loaded before anything else: by bin/erpbtp.js, and by the test
// runner (`node --import ./bin/fast-start.js --test`, whose every test file is a process of its own). Decision 0012.
import module from 'node:module';

// A start loads several hundred modules; with the cache (NODE_COMPILE_CACHE, by default a directory under the
// system's temporary directory) every start after the first runs V8's already compiled code for them, and the
// TypeScript sources come already stripped of their types.
module.enableCompileCache();

// Drizzle is imported as ES modules, and Node reads a package's package.json for every ES module file it loads from
// it: Drizzle's is 180 KB, and its few hundred files took about 0.8 s of each start. Its CommonJS build, the same
// code, loads in about 0.15 s; ES imports of it are sent there. Registered before anything imports Drizzle, so a
// process never holds both builds.
module.registerHooks({
  resolve(specifier, context, nextResolve) {
    if ((specifier === 'drizzle-orm' || specifier.startsWith('drizzle-orm/')) && context.conditions.includes('import')) {
      return { ...nextResolve(specifier, { ...context, conditions: ['node', 'require', 'default'] }), format: 'commonjs' };
    }
    return nextResolve(specifier, context);
  },
});
