// The REST API's clients and subscriptions (PATCH, RGPD export and erasure, quotas): problem titles and
// details, and the audit log's labels. Typography as in site.ts: no-break space (\u00a0) before « : » and
// inside « », narrow no-break space (\u202f) before ; ! ?.
export const apiClients = {
  'api.problem.client-not-found.title': 'Client introuvable',
  'api.problem.client-erased.title': 'Client effacé',
  'api.problem.subscription-not-found.title': 'Abonnement introuvable',
  'api.problem.subscription-ended.title': 'Abonnement terminé',
  'api.problem.not-trialing.title': 'Pas d’essai à prolonger',
  'api.problem.same-plan.title': 'Offre déjà en cours',
  'api.problem.already-cancelled.title': 'Abonnement déjà résilié',

  'api.error.clientErased': 'Les données personnelles du client {id} ont été effacées à sa demande (RGPD)\u00a0: seul un enregistrement anonyme est conservé.',
  'api.error.emailTaken': 'Un autre client est déjà inscrit avec l’adresse «\u00a0{email}\u00a0».',
  'api.error.subscriptionNotFound': 'Aucun abonnement n’a l’identifiant {id}.',
  'api.error.subscriptionEnded': 'L’abonnement {id} est terminé\u00a0: seul l’abonnement en cours d’un client peut changer.',
  'api.error.notTrialing': 'L’abonnement {id} n’est ni à l’essai ni un essai expiré\u00a0: il n’y a pas d’essai à prolonger.',
  'api.error.samePlan': 'L’abonnement {id} est déjà à l’offre «\u00a0{plan}\u00a0».',
  'api.error.alreadyCancelled': 'L’abonnement {id} est déjà résilié.',
  'api.error.extensionDays': 'Un essai se prolonge de 1 à {max}\u00a0jours.',
  'api.error.extendTrialScope': 'Prolonger un essai peut reprendre l’instance du client\u00a0: il faut aussi la portée «\u00a0stacks:write\u00a0» (ou «\u00a0admin\u00a0»).',

  /** What an erased client's company reads in the dashboard and the API (its other personal fields are emptied). */
  'clients.erased.company': 'Client effacé n°\u00a0{id}',
  /** Why an e-mail still waiting to be sent to an erased client never will be (the dashboard's e-mail list). */
  'clients.erased.emailCancelled': 'Non envoyé\u00a0: les données du client ont été effacées (RGPD).',

  'admin.audit.action.client.updated': 'Coordonnées modifiées (API)',
  'admin.audit.action.client.exported': 'Données personnelles exportées (RGPD)',
  'admin.audit.action.client.erased': 'Données personnelles effacées (RGPD)',
} as const;
