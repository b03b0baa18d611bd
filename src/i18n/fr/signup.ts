// Trial signup form, validation messages, tracking page.
export const signup = {
} as const;
