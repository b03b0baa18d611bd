// « Clients »: a GET form (search, filters, sort: works without JavaScript), the count, a dense table and
// « Précédent » / « Suivant » links carrying the cursors. Every client-provided text goes through `${}`.
import { html } from 'ghtml';
import {
  type ClientListItem, type ClientListPage, type ClientListProblem, type ClientListQuery, type ClientSort, type ErasedFilter,
  SEARCH_MAX_LENGTH,
} from '../../../backoffice/client-directory.service.ts';
import { stackObservedStates, subscriptionStatuses } from '../../../db/schema.ts';
import { format, t } from '../../../i18n/index.ts';
import { alert, button, selectField, textField } from '../../views/components.ts';
import { erasedBadge, stackBadge, subscriptionBadge } from './status-badges.ts';

const DAY_MS = 86_400_000;
const shortDate = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: 'Europe/Paris' });

/** The address's words for each order (`/admin/clients?tri=fin-essai`); the first is the default. */
export const SORT_PARAMS: Record<ClientSort, string> = { newest: 'recents', oldest: 'anciens', company: 'entreprise', trialEnd: 'fin-essai' };

/** The address's words for erased clients (`/admin/clients?rgpd=effaces`); without it they are hidden. */
export const ERASED_PARAMS: Record<ErasedFilter, string> = { only: 'effaces', include: 'tous' };

/** The list's address for a query, optionally at a cursor. */
export function clientListUrl(query: ClientListQuery, cursor?: { after: string } | { before: string }): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.plan) params.set('offre', query.plan);
  if (query.status) params.set('statut', query.status);
  if (query.state) params.set('instance', query.state);
  if (query.erased) params.set('rgpd', ERASED_PARAMS[query.erased]);
  if (query.sort !== 'newest') params.set('tri', SORT_PARAMS[query.sort]);
  if (cursor && 'after' in cursor) params.set('apres', cursor.after);
  if (cursor && 'before' in cursor) params.set('avant', cursor.before);
  const search = params.toString();
  return search ? `/admin/clients?${search}` : '/admin/clients';
}

const isFiltered = (q: ClientListQuery) => Boolean(q.q || q.plan || q.status || q.state || q.erased);

function none(): string {
  return html`<span aria-hidden="true">—</span><span class="visually-hidden">${t('admin.clients.none')}</span>`;
}

const PROBLEM_FIELD: Partial<Record<ClientListProblem, string>> = { q: 'q', plan: 'offre', status: 'statut', state: 'instance', erased: 'rgpd', sort: 'tri' };

function problemText(problem: ClientListProblem): string {
  return problem === 'q' ? t('admin.clients.invalid.q', { max: SEARCH_MAX_LENGTH }) : t(`admin.clients.invalid.${problem}`);
}

export interface ClientFiltersOptions {
  query: ClientListQuery;
  plans: { id: string; name: string }[];
  problems?: ClientListProblem[];
}

function filtersForm({ query, plans, problems = [] }: ClientFiltersOptions): string {
  const errorOf = (problem: ClientListProblem) => (problems.includes(problem) ? problemText(problem) : undefined);
  const sorts = (Object.keys(SORT_PARAMS) as ClientSort[]).map((sort) => ({ value: SORT_PARAMS[sort], label: t(`admin.clients.sort.${sort}`) }));
  const changed = isFiltered(query) || query.sort !== 'newest' || problems.length > 0;
  return html`<form class="client-filters" method="get" action="/admin/clients" role="search" aria-label="${t('admin.clients.filters.label')}">
  <div class="client-filters__search">!${textField({
    name: 'q', label: t('admin.clients.filters.q'), type: 'search', value: query.q, hint: t('admin.clients.filters.qHint'),
    error: errorOf('q'), maxLength: SEARCH_MAX_LENGTH, autocomplete: 'off', spellcheck: false,
  })}</div>
  !${selectField({ name: 'offre', label: t('admin.clients.filters.plan'), value: query.plan, error: errorOf('plan'), placeholder: t('admin.clients.filters.all'), options: plans.map((plan) => ({ value: plan.id, label: plan.name })) })}
  !${selectField({ name: 'statut', label: t('admin.clients.filters.status'), value: query.status, error: errorOf('status'), placeholder: t('admin.clients.filters.allStatuses'), options: subscriptionStatuses.map((status) => ({ value: status, label: t(`admin.subscription.status.${status}`) })) })}
  !${selectField({ name: 'instance', label: t('admin.clients.filters.state'), value: query.state, error: errorOf('state'), placeholder: t('admin.clients.filters.all'), options: stackObservedStates.map((state) => ({ value: state, label: t(`admin.stack.state.${state}`) })) })}
  !${selectField({ name: 'rgpd', label: t('admin.clients.filters.erased'), value: query.erased && ERASED_PARAMS[query.erased], error: errorOf('erased'), placeholder: t('admin.clients.filters.erased.hidden'), options: (Object.keys(ERASED_PARAMS) as ErasedFilter[]).map((erased) => ({ value: ERASED_PARAMS[erased], label: t(`admin.clients.filters.erased.${erased}`) })) })}
  !${selectField({ name: 'tri', label: t('admin.clients.filters.sort'), value: SORT_PARAMS[query.sort], error: errorOf('sort'), placeholder: false, options: sorts })}
  <div class="client-filters__actions">
    !${button({ label: t('admin.clients.filters.submit'), icon: 'search' })}
    !${changed ? button({ label: t('admin.clients.filters.reset'), href: '/admin/clients', variant: 'ghost' }) : ''}
  </div>
</form>`;
}

function trialEnd(client: ClientListItem, now: Date): string {
  if (!client.trialEndsAt) return none();
  const date = html`<time datetime="${client.trialEndsAt.toISOString()}">${shortDate.format(client.trialEndsAt)}</time>`;
  if (client.status !== 'trialing') return date;
  const days = Math.ceil((client.trialEndsAt.getTime() - now.getTime()) / DAY_MS);
  if (days <= 0) return html`!${date}<span class="client-table__sub client-table__sub--warning">${t('admin.clients.trialOverdue')}</span>`;
  const left = days === 1 ? t('admin.clients.daysLeft.one') : t('admin.clients.daysLeft.other', { days });
  return html`!${date}<span class="client-table__sub">${left}</span>`;
}

/** An erased client's contact: nothing left but the date of the erasure. */
function contact(client: ClientListItem): string {
  if (client.erasedAt) {
    return html`!${none()}<span class="client-table__sub">${t('admin.clients.erasedOn', { date: shortDate.format(client.erasedAt) })}</span>`;
  }
  return html`${client.prenom} ${client.nom}<span class="client-table__sub client-table__email">${client.email}</span>`;
}

function row(client: ClientListItem, now: Date): string {
  return html`<tr!${client.erasedAt ? ' data-erased' : ''}>
    <th scope="row"><a href="/admin/clients/${client.id}">${client.entreprise}</a>!${client.erasedAt ? html` !${erasedBadge()}` : ''}</th>
    <td>!${contact(client)}</td>
    <td>!${client.planName === null ? none() : html`${client.planName}`}</td>
    <td>!${client.status ? subscriptionBadge(client.status) : none()}</td>
    <td class="nowrap">!${trialEnd(client, now)}</td>
    <td>!${client.stackState ? stackBadge(client.stackState) : none()}!${client.stackName ? html`<span class="client-table__sub mono">${client.stackName}</span>` : ''}</td>
    <td class="nowrap"><time datetime="${client.createdAt.toISOString()}" title="${format.dateTime(client.createdAt)}">${shortDate.format(client.createdAt)}</time></td>
  </tr>`;
}

function table(clients: ClientListItem[], now: Date): string {
  const col = (key: 'company' | 'contact' | 'plan' | 'status' | 'trialEnd' | 'instance' | 'signup') => html`<th scope="col">${t(`admin.clients.col.${key}`)}</th>`;
  return html`<div class="table-wrap" role="region" aria-labelledby="clients-caption" tabindex="0">
  <table class="table table--dense client-table">
    <caption id="clients-caption" class="visually-hidden">${t('admin.clients.table')}</caption>
    <thead><tr>!${col('company')}!${col('contact')}!${col('plan')}!${col('status')}!${col('trialEnd')}!${col('instance')}!${col('signup')}</tr></thead>
    <tbody>!${clients.map((client) => row(client, now))}</tbody>
  </table>
</div>`;
}

function total(page: ClientListPage): string {
  const { count, more } = page.total;
  if (more) return t('admin.clients.total.more', { count: format.integer(count) });
  return count === 1 ? t('admin.clients.total.one') : t('admin.clients.total.other', { count: format.integer(count) });
}

function pager(query: ClientListQuery, page: ClientListPage): string {
  if (!page.previous && !page.next) return '';
  return html`<nav class="cluster pagination" aria-label="${t('admin.clients.pages')}">
  !${page.previous ? html`<a class="btn btn--secondary btn--sm" href="${clientListUrl(query, { before: page.previous })}" rel="prev">← ${t('admin.clients.previous')}</a>` : ''}
  !${page.next ? html`<a class="btn btn--secondary btn--sm" href="${clientListUrl(query, { after: page.next })}" rel="next">${t('admin.clients.next')} →</a>` : ''}
</nav>`;
}

function emptyState(query: ClientListQuery): string {
  if (query.after || query.before) {
    return html`<div class="card stack stack--sm"><p>${t('admin.clients.pageGone')}</p><p><a href="${clientListUrl(query)}">${t('admin.clients.first')}</a></p></div>`;
  }
  if (!isFiltered(query)) {
    return html`<div class="card stack stack--sm"><h2 class="card__title">${t('admin.clients.empty.title')}</h2><p>${t('admin.clients.empty.text')}</p></div>`;
  }
  const text = query.q ? t('admin.clients.noResult.search', { q: query.q }) : t('admin.clients.noResult.filters');
  return html`<div class="card stack stack--sm"><h2 class="card__title">${t('admin.clients.noResult.title')}</h2><p>${text}</p><p><a href="/admin/clients">${t('admin.clients.filters.reset')}</a></p></div>`;
}

function header(): string {
  return html`<header><h1>${t('admin.clients.title')}</h1><p class="lead">${t('admin.clients.intro')}</p></header>`;
}

export function clientsBody(o: ClientFiltersOptions & { page: ClientListPage; now: Date }): string {
  const results = o.page.clients.length === 0
    ? emptyState(o.query)
    : html`<p class="client-list__total">${total(o.page)}</p>!${table(o.page.clients, o.now)}!${pager(o.query, o.page)}`;
  return html`<div class="stack">!${header()}!${filtersForm(o)}<section class="stack stack--sm" aria-label="${t('admin.clients.table')}">!${results}</section></div>`;
}

/** The list asked with values it does not know: the form, with what was wrong, and no table. */
export function invalidClientsBody(o: ClientFiltersOptions & { problems: ClientListProblem[] }): string {
  const messages = html`<ul>!${o.problems.map((problem) => {
    const field = PROBLEM_FIELD[problem];
    return field ? html`<li><a href="#field-${field}">${problemText(problem)}</a></li>` : html`<li>${problemText(problem)}</li>`;
  })}</ul><p><a href="/admin/clients">${t('admin.clients.startOver')}</a></p>`;
  return html`<div class="stack">!${header()}!${alert({ kind: 'error', title: t('admin.clients.invalid.title'), bodyHtml: html`<p>${t('admin.clients.invalid.text')}</p>!${messages}`, live: true })}!${filtersForm(o)}</div>`;
}
