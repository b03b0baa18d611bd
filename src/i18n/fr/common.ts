// Messages shared across the platform: errors, generic actions.
export const common = {
  'common.error.notFound.title': 'Page introuvable',
  'common.error.notFound.text': 'La page demandée n’existe pas ou n’est plus disponible.',
  'common.error.forbidden.title': 'Accès refusé',
  'common.error.forbidden.text': 'Votre compte n’a pas les droits nécessaires pour cette page ou cette action. Demandez-les à un propriétaire de la plateforme.',
  'common.error.server.title': 'Une erreur est survenue',
  'common.error.server.text': 'Nous n’avons pas pu traiter votre demande. Réessayez dans quelques instants ; si le problème persiste, contactez-nous.',
  'common.error.badRequest.title': 'Demande invalide',
  'common.error.badRequest.text': 'Votre demande n’a pas pu être traitée. Vérifiez les informations saisies et réessayez.',
  'common.error.tooMany.title': 'Trop de demandes',
  'common.error.tooMany.text': 'Vous avez effectué trop de demandes en peu de temps. Merci de réessayer plus tard.',
  'common.error.tooLarge.title': 'Demande trop volumineuse',
  'common.error.tooLarge.text': 'Les informations envoyées dépassent la taille autorisée. Raccourcissez votre saisie et réessayez.',
  'common.error.csrf': 'Pour votre sécurité, merci de valider à nouveau le formulaire : votre session avait expiré.',
  'common.backHome': 'Retour à l’accueil',
} as const;
