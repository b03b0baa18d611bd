#!/usr/bin/env -S node --experimental-strip-types
// Entry point of `erpbtp` (npm start, npm run erpbtp, the package's bin): turns on Node's compile
// cache, then runs the command line (src/cli.ts, TypeScript run as is: Node >= 22.18, or 22.12 with the
// flag above). A start loads several hundred modules; with the cache (NODE_COMPILE_CACHE, by default a
// directory under the system's temporary directory) every start after the first runs V8's already
// compiled code for them, and the TypeScript sources come already stripped of their types. This file is
// JavaScript so that nothing loads before it.
import module from 'node:module';

module.enableCompileCache();
await import('../src/cli.ts');
