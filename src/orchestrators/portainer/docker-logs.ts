// Docker log streams (reference §7.2): without a TTY each chunk has an 8-byte header (stream, 3 zero bytes,
// big-endian payload length). A TTY stream has no header; it is recognised by its first byte not being a stream id.

export interface LogLine {
  time: string;
  source: string;
  text: string;
}

export function demultiplex(raw: Buffer): string {
  const framed = raw.length >= 8 && raw[0]! <= 2 && raw[1] === 0 && raw[2] === 0 && raw[3] === 0;
  if (!framed) return raw.toString('utf8');
  const payloads: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const size = raw.readUInt32BE(offset + 4);
    payloads.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(payloads).toString('utf8');
}

/** Lines requested with `timestamps=1`: `2024-10-23T10:00:00.123456789Z text`. */
export function timestampedLines(text: string, source: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const space = line.indexOf(' ');
      const time = space > 0 && /^\d{4}-\d\d-\d\dT/.test(line) ? line.slice(0, space) : '';
      return { time, source, text: time ? line.slice(space + 1) : line };
    });
}

/** The last `tail` lines of several sources, in time order, each prefixed with its source as compose does. */
export function mergeTail(lines: LogLine[], tail: number): string {
  const ordered = [...lines].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return ordered
    .slice(Math.max(0, ordered.length - tail))
    .map((line) => `${line.source} | ${line.text}`)
    .join('\n');
}
