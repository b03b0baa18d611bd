// Configuration errors shown to operators at start.
export const config = {
  'config.invalid': 'Configuration invalide :',
  'config.expected.integer': 'un entier entre {min} et {max}',
  'config.expected.url': 'une URL {protocols}',
  'config.expected.oneOf': 'une des valeurs : {values}',
  'config.expected.boolean': '« true » ou « false »',
  'config.expected.nonEmpty': 'une valeur non vide',
  'config.expected.portRange': 'une plage de ports « début-fin » (par exemple 41000-41999)',
  'config.expected.file': 'le chemin d’un fichier lisible',
  'config.received': '{name} : attendu {expected}, reçu « {value} »',
  'config.plans.invalid': 'PLANS_FILE : fichier de plans invalide ({reason})',
} as const;
