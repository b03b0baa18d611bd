// Per-username login throttling: after MAX_FAILURES failures within WINDOW_MS, further attempts on that
// username are refused until the window ends. In memory on purpose: one process serves one instance,
// and a restart forgetting the counters is harmless.
export interface LoginThrottle {
  isBlocked(username: string): boolean;
  recordFailure(username: string): void;
  reset(username: string): void;
}

export function createLoginThrottle(options: { maxFailures?: number; windowMs?: number; now?: () => number } = {}): LoginThrottle {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { failures: number; since: number }>();
  const MAX_ENTRIES = 10_000;

  const keyOf = (username: string) => username.trim().toLowerCase().slice(0, 200);
  const current = (key: string) => {
    const entry = entries.get(key);
    if (entry && now() - entry.since > windowMs) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  return {
    isBlocked: (username) => (current(keyOf(username))?.failures ?? 0) >= maxFailures,
    recordFailure(username) {
      const key = keyOf(username);
      const entry = current(key);
      if (entry) {
        entry.failures += 1;
        return;
      }
      // Bounded memory under a flood of random usernames: forget the oldest entry.
      if (entries.size >= MAX_ENTRIES) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(key, { failures: 1, since: now() });
    },
    reset: (username) => void entries.delete(keyOf(username)),
  };
}
