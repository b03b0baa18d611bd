// Operator messages of `erpbtp keys status` and `erpbtp keys rotate` (master key rotation).
// Typography as in site.ts: no-break space (\u00a0) before « : » and inside « », narrow no-break space (\u202f)
// before ; ! ?. Counts go after a colon, so no participle has to agree with them.
export const keys = {
  'keys.usage': 'Utilisation\u00a0: erpbtp keys status | erpbtp keys rotate [--confirm]',
  'keys.noKey': 'Aucune clé maîtresse\u00a0: MASTER_KEY n’est pas définie et le fichier de clés {path} n’existe pas. Lancez la commande avec le même DATA_DIR ou le même MASTER_KEY que la plateforme.',
  'keys.loadFailed': 'Impossible de charger les clés maîtresses\u00a0: {reason}',
  'keys.source.file': 'fichier de clés {path}',
  'keys.source.env': 'variable MASTER_KEY',
  'keys.secrets.one': '{count}\u00a0secret',
  'keys.secrets.other': '{count}\u00a0secrets',

  'keys.status.title': 'Clés maîtresses ({source})\u00a0:',
  'keys.status.state.current': 'clé courante',
  'keys.status.state.old': 'ancienne clé, encore utilisée',
  'keys.status.state.retirable': 'ancienne clé, plus utilisée\u00a0: peut être retirée',
  'keys.status.state.missing': 'absente du trousseau\u00a0: ces secrets sont illisibles',
  'keys.status.complete': 'Aucune rotation en cours\u00a0: tous les secrets sont chiffrés avec la clé courante {keyId}.',
  'keys.status.unfinished': 'Rotation inachevée\u00a0: {secrets} à rechiffrer avec la clé courante {keyId}. Lancez «\u00a0erpbtp keys rotate\u00a0» pour la terminer.',
  'keys.status.retire.file': 'Une clé plus utilisée peut être retirée de «\u00a0keys\u00a0» dans {path}. Gardez-en une copie avec les sauvegardes de la base faites avant la rotation\u00a0: elles en ont encore besoin.',
  'keys.status.retire.env': 'Une clé plus utilisée peut être retirée de MASTER_KEY (puis redémarrez les processus de la plateforme). Gardez-en une copie avec les sauvegardes de la base faites avant la rotation\u00a0: elles en ont encore besoin.',
  'keys.status.missing': 'Attention, secrets illisibles faute de clé ({keyIds})\u00a0: {count}. Retrouvez la clé (sauvegarde du fichier de clés, ancienne valeur de MASTER_KEY) et remettez-la dans le trousseau.',

  'keys.rotate.busy': 'Une autre rotation est déjà en cours («\u00a0erpbtp keys rotate\u00a0» lancée ailleurs)\u00a0: rien n’a été fait.',
  'keys.rotate.missing': 'Rotation impossible\u00a0: des secrets sont chiffrés avec une clé absente du trousseau ({keyIds}). Remettez-la d’abord\u00a0; «\u00a0erpbtp keys status\u00a0» donne le détail.',
  'keys.rotate.keyAdded': 'Nouvelle clé {keyId} ajoutée au fichier {path}\u00a0: c’est désormais la clé courante.',
  'keys.rotate.backup': 'Sauvegardez dès maintenant le fichier de clés\u00a0: sans la clé {keyId}, les secrets rechiffrés seraient perdus.',
  'keys.rotate.platformFollows': 'La plateforme en cours d’exécution relit le fichier de clés d’elle-même\u00a0: inutile de la redémarrer.',
  'keys.rotate.reencrypting': 'À rechiffrer avec la nouvelle clé {keyId}\u00a0: {secrets}.',
  'keys.rotate.resuming': 'Rotation inachevée, reprise sans ajouter de clé\u00a0: {secrets} à rechiffrer avec la clé courante {keyId}.',
  'keys.rotate.progress': '  secrets rechiffrés jusqu’ici\u00a0: {count}',
  'keys.rotate.done': 'Rotation terminée\u00a0: tous les secrets sont chiffrés avec la clé {keyId} (secrets rechiffrés\u00a0: {count}).',
  'keys.rotate.retireLater': 'Les anciennes clés restent dans le trousseau\u00a0; «\u00a0erpbtp keys status\u00a0» indique lesquelles peuvent être retirées.',
  'keys.rotate.interrupted': 'Rotation interrompue\u00a0: {reason}\nLes secrets déjà rechiffrés le restent et rien n’est perdu\u00a0; relancez «\u00a0erpbtp keys rotate\u00a0» pour reprendre.',

  'keys.rotate.env.upToDate': 'Tous les secrets sont déjà chiffrés avec la clé courante {keyId} de MASTER_KEY. Avec MASTER_KEY, c’est vous qui fournissez la nouvelle clé, par étapes, pour que la plateforme reste en service\u00a0:',
  'keys.rotate.env.steps': [
    '  1. Générez une clé\u00a0: openssl rand -base64 32',
    '  2. Ajoutez-la en dernier sur chaque processus de la plateforme (web, worker)\u00a0: MASTER_KEY="{keys},{next}:<nouvelle clé>" («\u00a0…\u00a0»\u00a0: les clés actuelles, inchangées), puis redémarrez-les tous. Ils savent alors la lire, mais chiffrent encore avec {keyId}.',
    '  3. Placez-la en tête\u00a0: MASTER_KEY="{next}:<nouvelle clé>,{keys}", puis redémarrez-les tous à nouveau. Les nouveaux secrets sont chiffrés avec {next}.',
    '  4. Lancez «\u00a0erpbtp keys rotate --confirm\u00a0» avec ce même MASTER_KEY\u00a0: les secrets existants sont rechiffrés avec {next}.',
    '  5. Quand «\u00a0erpbtp keys status\u00a0» indique qu’une ancienne clé n’est plus utilisée, retirez-la de MASTER_KEY et redémarrez.',
  ].join('\n'),
  'keys.rotate.env.confirm': 'Secrets chiffrés avec une autre clé que la clé courante {keyId} de MASTER_KEY\u00a0: {count}.\nAvant de les rechiffrer, chaque processus de la plateforme (web, worker) doit tourner avec ce même MASTER_KEY\u00a0: un processus qui ne connaît pas {keyId} ne pourrait plus les lire. Si c’est le cas, lancez\u00a0: erpbtp keys rotate --confirm',
} as const;
