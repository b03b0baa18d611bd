// Contact form.
export const contact = {
  'contact.error.subject': 'Choisissez l’objet de votre message.',
} as const;
