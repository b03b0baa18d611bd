// The dashboard under /admin. One guard for every route, before anything is read: no session →
// the sign-in page; a session waiting for its TOTP code → the code page; a role without the
// route's permission → 403. Every non-GET request must carry a valid CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../staff/roles.ts';
import type { AccountsService } from '../../staff/accounts.service.ts';
import type { SecondFactorService } from '../../staff/second-factor.service.ts';
import type { SignInService } from '../../staff/sign-in.service.ts';
import { replyError } from '../errors.ts';
import { accountPages } from './account.pages.ts';
import { authPages } from './auth.pages.ts';
import { staffPages } from './staff.pages.ts';
import { auditPages } from './audit.pages.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import type { AuditService } from '../../audit/audit.service.ts';
import type { OverviewService } from '../../backoffice/overview.service.ts';
import { overviewPages } from './overview.pages.ts';
import type { ClientActions } from '../../backoffice/client-actions.service.ts';
import type { ClientRecordService } from '../../backoffice/client-record.service.ts';
import type { Plan } from '../../plans/plan.ts';
import { clientPages } from './client.pages.ts';
import type { DeploymentsBoardService } from '../../backoffice/deployments-board.service.ts';
import type { MailBoardService } from '../../backoffice/mail-board.service.ts';
import type { DeploymentEventsHub } from '../../provisioning/deployment-events-hub.ts';
import { deploymentPages } from './deployments.pages.ts';
import { emailPages } from './emails.pages.ts';
import type { ClientDirectoryService } from '../../backoffice/client-directory.service.ts';
import { clientsPages } from './clients.pages.ts';
import type { ApiKeysService } from '../../api-keys/api-keys.service.ts';
import { apiKeysPages } from './api-keys.pages.ts';
import type { AlertsService } from '../../alerts/alerts.service.ts';
import { alertsPages } from './alerts.pages.ts';


export interface AdminDeps {
  signIn: SignInService;
  accounts: AccountsService;
  secondFactor: SecondFactorService;
  audit: AuditService;
  overview: OverviewService;
  /** « Alertes »: the list, one alert's timeline, the acknowledgement. */
  alerts: Pick<AlertsService, 'list' | 'get' | 'acknowledge'>;
  /** « Clients »: the searchable list. */
  clients: ClientDirectoryService;
  clientRecords: ClientRecordService;
  clientActions: ClientActions;
  plans: readonly Plan[];
  deployments: DeploymentsBoardService;
  mail: MailBoardService;
  /** Live deployment events (the same hub as the customers' tracking pages). */
  deploymentEvents: DeploymentEventsHub;
  /** « Clés d’API »: keys of the REST API. */
  apiKeys: ApiKeysService;
  /** Secure cookies when the platform is served over HTTPS. */
  secureCookies: boolean;
}

export async function adminPlugin(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    // Staff pages hold personal data: never cached, never indexed.
    reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
    const access = request.routeOptions.config.access;
    request.staff = await deps.signIn.resolveSession(request.cookies[SESSION_COOKIE]);
    if (access === 'public') return;
    const session = request.staff;
    if (!session) return toSignIn(request, reply);
    if (session.secondFactorPending && access !== 'second-factor') return reply.redirect('/admin/connexion/code', 303);
    if (!session.secondFactorPending && access === 'second-factor') return reply.redirect('/admin', 303);
    if (!can(session.user.role, request.routeOptions.config.permission ?? 'dashboard:read')) {
      request.log.warn({ staffId: session.user.id, route: request.routeOptions.url }, 'staff route refused');
      return replyError(request, reply, 403);
    }
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') return done();
    app.csrfProtection(request, reply, done);
  });

  const cookie = { path: '/admin', httpOnly: true, sameSite: 'strict' as const, secure: deps.secureCookies };
  await app.register(authPages, { signIn: deps.signIn, accounts: deps.accounts, cookie, cookieName: SESSION_COOKIE });
  await app.register(accountPages, { signIn: deps.signIn, accounts: deps.accounts, secondFactor: deps.secondFactor });
  await app.register(staffPages, { accounts: deps.accounts });
  await app.register(auditPages, { audit: deps.audit });
  await app.register(overviewPages, { overview: deps.overview });
  await app.register(clientsPages, { clients: deps.clients });
  await app.register(clientPages, { records: deps.clientRecords, actions: deps.clientActions, plans: deps.plans });
  await app.register(deploymentPages, { deployments: deps.deployments, hub: deps.deploymentEvents });
  await app.register(emailPages, { mail: deps.mail });
  await app.register(apiKeysPages, { apiKeys: deps.apiKeys });
  await app.register(alertsPages, { alerts: deps.alerts });
}

function toSignIn(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const next = request.method === 'GET' ? `?suite=${encodeURIComponent(request.url)}` : '';
  return reply.redirect(`/admin/connexion${next}`, 303);
}
