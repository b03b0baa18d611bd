#!/usr/bin/env -S node --experimental-strip-types
// Entry point of `erpbtp` (npm start, npm run erpbtp, the package's bin): the compile cache and the module hooks
// first (fast-start.js, JavaScript so that nothing loads before it), then the command line (src/cli.ts, TypeScript
// run as is: Node >= 22.18, or 22.12 with the flag above).
import './fast-start.js';

await import('../src/cli.ts');
