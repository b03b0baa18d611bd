// A tenant's stdout and stderr go to `tenant.log`, rotated by size like logrotate: tenant.log.1 is the
// previous file, tenant.log.<files-1> the oldest. Rotation renames files under an open descriptor, which
// POSIX allows: pending writes land in the renamed file.
import { createWriteStream, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface RotatingLogOptions {
  /** Rotate when the current file would exceed this size (default 10 MB). */
  maxBytes?: number;
  /** Files kept, the current one included (default 3). */
  files?: number;
  /** Called once per write error (disk full, directory removed); the log then keeps trying. */
  onError?: (err: Error) => void;
}

export class RotatingLog {
  readonly file: string;
  readonly maxBytes: number;
  readonly files: number;
  private stream: WriteStream;
  private size: number;
  private closed = false;
  private readonly onError: (err: Error) => void;

  constructor(file: string, options: RotatingLogOptions = {}) {
    this.file = file;
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.files = Math.max(1, options.files ?? 3);
    this.onError = options.onError ?? (() => undefined);
    this.size = fileSize(file);
    this.stream = this.openStream();
  }

  write(chunk: Buffer | string): void {
    if (this.closed) return;
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (this.size > 0 && this.size + length > this.maxBytes) this.rotate();
    this.stream.write(chunk);
    this.size += length;
  }

  /** Flushes and closes the file; later writes are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
  }

  /** The files, newest first. */
  paths(): string[] {
    return rotatedPaths(this.file, this.files);
  }

  private openStream(): WriteStream {
    // Opened now, not lazily by path: a rotation right after must not redirect this stream to the new file.
    let fd: number;
    try {
      fd = openSync(this.file, 'a', 0o600);
    } catch (err) {
      this.onError(err as Error);
      fd = openSync('/dev/null', 'a');
    }
    const stream = createWriteStream('', { fd });
    stream.on('error', (err) => this.onError(err));
    return stream;
  }

  private rotate(): void {
    this.stream.end();
    const paths = this.paths();
    try {
      for (let i = paths.length - 1; i >= 1; i--) {
        const from = paths[i - 1] as string;
        const to = paths[i] as string;
        if (i === paths.length - 1) removeIfExists(to);
        renameIfExists(from, to);
      }
      if (paths.length === 1) removeIfExists(this.file);
    } catch (err) {
      this.onError(err as Error);
    }
    this.size = fileSize(this.file);
    this.stream = this.openStream();
  }
}

export function rotatedPaths(file: string, files: number): string[] {
  return Array.from({ length: files }, (_, i) => (i === 0 ? file : `${file}.${i}`));
}

/** The last `count` lines across `paths` (newest file first), oldest line first. */
export async function tailFiles(paths: readonly string[], count: number): Promise<string[]> {
  let lines: string[] = [];
  for (const path of paths) {
    const missing = count - lines.length;
    if (missing <= 0) break;
    lines = [...(await tailFile(path, missing)), ...lines];
  }
  return lines;
}

/** Reads backwards by blocks until `count` complete lines are found, so a 10 MB file costs a few reads. */
export async function tailFile(path: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    let position = (await handle.stat()).size;
    let buffer = Buffer.alloc(0);
    let newlines = 0;
    while (position > 0 && newlines <= count) {
      const length = Math.min(64 * 1024, position);
      position -= length;
      const block = Buffer.alloc(length);
      await handle.read(block, 0, length, position);
      for (const byte of block) if (byte === 0x0a) newlines++;
      buffer = Buffer.concat([block, buffer]);
    }
    const lines = buffer.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (position > 0) lines.shift(); // the first line is cut
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
