import { common } from './common.ts';
import { site } from './site.ts';
import { signup } from './signup.ts';
import { config } from './config.ts';

export const fr = { ...common, ...site, ...signup, ...config } as const;
