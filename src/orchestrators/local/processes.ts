// Process helpers for the local orchestrator: port probing, liveness, identification of a tenant process
// left over by a previous platform run (pid file + /proc), and termination with escalation.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether nothing listens on host:port (we can bind it ourselves). Throws for other bind errors. */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(false);
      else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Alive and not a zombie (a zombie still answers kill(pid, 0) until its parent reaps it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

export function readPidFile(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

export function writePidFile(file: string, pid: number): void {
  writeFileSync(file, `${pid}\n`, { mode: 0o600 });
}

/** Removes the pid file only if it still names `pid` (another run may have replaced it). */
export function removePidFile(file: string, pid?: number): void {
  try {
    if (pid !== undefined && readPidFile(file) !== pid) return;
    unlinkSync(file);
  } catch {
    // already gone
  }
}

export type Identity = 'ours' | 'foreign' | 'gone' | 'unknown';

/**
 * Is `pid` the tenant process of this stack? Ours when its command line runs `entry` and its environment carries
 * `marker` (e.g. `ERPBTP_LOCAL_STACK=<name>`); `unknown` when /proc cannot tell (other OS, hidepid).
 */
export async function identifyProcess(pid: number, entry: string, marker: string): Promise<Identity> {
  let cmdline: string;
  let environ: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    environ = await readFile(`/proc/${pid}/environ`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return isAlive(pid) ? 'unknown' : 'gone';
    return 'unknown';
  }
  const argv = cmdline.split('\0');
  const env = environ.split('\0');
  return argv.includes(entry) && env.includes(marker) ? 'ours' : 'foreign';
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (or after 5 more seconds). */
export async function terminate(pid: number, graceMs: number): Promise<void> {
  if (!signal(pid, 'SIGTERM')) return;
  if (await waitGone(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  await waitGone(pid, 5_000);
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}
