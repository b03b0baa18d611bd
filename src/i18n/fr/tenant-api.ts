// Tenant API problem details.
export const tenantApi = {
  'tenantApi.unauthorized.title': 'Jeton d’instance manquant ou invalide',
  'tenantApi.unauthorized.detail': 'Envoyez le TENANT_TOKEN de l’instance dans l’en-tête « Authorization: Bearer … ».',
} as const;
