// The static pages of the public site. Forms (/essai, /contact) and tracking (/deploiement) live with
// their capabilities; this plugin only renders pages that depend on configuration, never on a request.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Plan } from '../../plans/plan.ts';
import { homePage } from './views/home.ts';
import { featuresPage } from './views/features.ts';
import { pricingPage } from './views/pricing.ts';
import { legalPage, type LegalDoc, type LegalPublisher } from './views/legal.ts';
import { advertisedTrialDays } from './views/plan-text.ts';

export interface PagesRoutesOptions {
  plans: Plan[];
  /** The vendor's identity quoted by the legal pages; missing fields show a placeholder. */
  publisher?: Partial<LegalPublisher>;
  /** Set once counsel has approved the legal texts: removes the « template » notice. */
  legalApproved?: boolean;
}

const legalRoutes: [string, LegalDoc][] = [
  ['/cgv', 'cgv'],
  ['/mentions-legales', 'mentions'],
  ['/confidentialite', 'privacy'],
];

function send(reply: FastifyReply, html: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(html);
}

export async function pagesRoutes(app: FastifyInstance, opts: PagesRoutesOptions): Promise<void> {
  const plans = opts.plans;
  const trialDays = advertisedTrialDays(plans);

  app.get('/', async (_request, reply) => send(reply, homePage({ trialDays })));
  app.get('/fonctionnalites', async (_request, reply) => send(reply, featuresPage({ trialDays })));
  app.get('/tarifs', async (_request, reply) => send(reply, pricingPage({ plans })));
  for (const [url, doc] of legalRoutes) {
    app.get(url, async (_request, reply) =>
      send(reply, legalPage({ doc, publisher: opts.publisher, approved: opts.legalApproved })),
    );
  }
}
