import { common } from './common.ts';
import { site } from './site.ts';
import { signup } from './signup.ts';
import { config } from './config.ts';
import { contact } from './contact.ts';
import { deployment } from './deployment.ts';
import { tenantApi } from './tenant-api.ts';
import { legal } from './legal.ts';
import { mail } from './mail.ts';
import { keys } from './keys.ts';
import { admin } from './admin.ts';
import { adminClient } from './admin-client.ts';
import { adminOperations } from './admin-operations.ts';
import { adminClients } from './admin-clients.ts';

export const fr = { ...common, ...site, ...signup, ...config, ...contact, ...deployment, ...tenantApi, ...legal, ...mail, ...keys, ...admin, ...adminClient, ...adminOperations, ...adminClients } as const;
