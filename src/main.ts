// Entry point of `erpbtp`: turns on Node's compile cache, then runs the command line (cli.ts).
// A start loads several hundred modules; with the cache (NODE_COMPILE_CACHE, by default a directory
// under the system's temporary directory) every start after the first runs V8's already compiled
// code for them. It must be on before those modules load, hence this separate file.
import module from 'node:module';

module.enableCompileCache();
await import('./cli.ts');
