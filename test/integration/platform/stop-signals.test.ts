// SIGTERM (or Ctrl+C) stops `erpbtp start` gracefully whenever it comes: early in the start, the moment it is
// ready, or later. A signal that came as the start ended used to be dropped, and the platform ran on, deaf to it.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { exited, platformProcesses } from '../../helpers/platform-process.ts';

/** Resolves with the exit code (or the signal that ended it), or rejects after `ms`. */
function exitCode(child: ChildProcess, ms: number): Promise<number | string | null> {
  return Promise.race([
    exited(child).then(() => child.exitCode ?? child.signalCode),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running ${ms} ms after SIGTERM`)), ms)),
  ]);
}

test('SIGTERM early, at the first ready answer, and once running: a clean exit every time', { timeout: 240_000 }, async (t) => {
  const platform = await platformProcesses(t);
  const ready = () => fetch(`http://127.0.0.1:${platform.port}/readyz`).then((r) => r.ok, () => false);
  const moments = ['early', 'ready', 'ready', 'ready', 'ready', 'ready', 'ready', 'running'] as const;
  for (const [i, moment] of moments.entries()) {
    const child = platform.spawn();
    if (moment === 'early') {
      await new Promise((r) => setTimeout(r, 300));
    } else {
      // Polled as fast as it answers: the signal lands in the last moments of the start.
      while (!(await ready())) assert.equal(child.exitCode, null, 'exited before being ready');
      if (moment === 'running') await new Promise((r) => setTimeout(r, 1_000));
    }
    child.kill('SIGTERM');
    const code = await exitCode(child, 15_000);
    // Still loading its modules, nothing started yet: Node's default ends it at once, which is as clean.
    if (moment === 'early' && code === 'SIGTERM') continue;
    assert.equal(code, 0, `${moment} (#${i})`);
    assert.equal(await ready(), false);
  }
});
