#!/usr/bin/env -S node --experimental-strip-types
// Node >= 22.18 runs the TypeScript sources directly (type stripping).
import '../src/main.ts';
