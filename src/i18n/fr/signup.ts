// Trial signup form: validation messages and outcomes.
export const signup = {
  'signup.error.required': 'Ce champ est obligatoire.',
  'signup.error.tooLong': 'Ce champ ne peut pas dépasser {max} caractères.',
  'signup.error.name': 'Saisissez un nom composé de lettres (les accents, tirets et apostrophes sont acceptés).',
  'signup.error.email': 'Saisissez une adresse e-mail valide, par exemple nom@entreprise.fr.',
  'signup.error.emailDisposable': 'Les adresses e-mail jetables ne sont pas acceptées : utilisez votre adresse professionnelle.',
  'signup.error.company': 'Le nom de l’entreprise doit compter de 2 à 100 caractères (lettres, chiffres, espaces, apostrophes, « & », tirets, points).',
  'signup.error.phone': 'Saisissez un numéro de téléphone français valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.',
  'signup.error.effectif': 'Choisissez l’effectif de votre entreprise.',
  'signup.error.plan': 'Choisissez une offre parmi Essai, Starter et Pro.',
  'signup.error.cgv': 'Vous devez accepter les conditions générales de vente pour démarrer l’essai.',
  'signup.error.rejected': 'Votre demande n’a pas pu être traitée. Réessayez ou contactez-nous.',
} as const;
