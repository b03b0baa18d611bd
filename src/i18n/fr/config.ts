// Configuration errors shown to operators at start.
export const config = {
} as const;
