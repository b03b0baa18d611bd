// Realistic clients in bulk for the benchmarks that need a large database (bench:admin, bench:api): set-based
// SQL (generate_series), about 10 s for 100,000 clients. Every client: a company of the building trades, a
// person, an e-mail, a signup date over three years (more recent ones more frequent), a current subscription
// whose status follows its age, a stack whose state follows the subscription; some with an ended subscription
// or an older deleted stack, a few with none current. The same data at every run (`setseed`): clients have ids
// 1..count, the older deleted stacks (3 %) their client's id, the current stacks 2 × count + their client's id.
import pg from 'pg';

/** The seed of an empty, migrated database: `count` clients with their subscriptions and stacks. */
export function clientsSeedSql(count: number): string {
  return `
select setseed(0.42);
create temporary table gen as
select g as id,
  (array['Maçonnerie','Bâtiments','Charpente','Couverture','Plomberie','Électricité','Menuiserie','Peinture','Carrelage','Terrassement',
         'Rénovation','Isolation','Chauffage','Façades','Étanchéité','Serrurerie','Plâtrerie','Paysages','Construction','Toiture'])[1 + floor(random() * 20)::int] as trade,
  (array['Martin','Bernard','Thomas','Petit','Robert','Richard','Durand','Dubois','Moreau','Laurent','Simon','Michel','Lefèbvre','Leroy','Roux',
         'David','Bertrand','Morel','Fournier','Girard','Bonnet','Dupont','Lambert','Fontaine','Rousseau','Vincent','Muller','Lefèvre','Faure','André',
         'Mercier','Blanc','Guérin','Boyer','Garnier','Chevalier','François','Legrand','Gauthier','Garcia','Perrin','Robin','Clément','Morin','Nicolas',
         'Henry','Roussel','Mathieu','Gautier','Masson','Marchand','Duval','Denis','Dumont','Marie','Lemaire','Noël','Meyer','Dufour','Meunier',
         'Brun','Blanchard','Giraud','Joly','Rivière','Lucas','Brunet','Gaillard','Barbier','Arnaud','Martinez','Gérard','Roche','Renard','Schmitt',
         'Roy','Leroux','Colin','Vidal','Caron','Picard','Roger','Fabre','Aubert','Lemoine','Renaud','Dumas','Lacroix','Olivier','Philippe',
         'Bourgeois','Pierre','Benoît','Rey','Leclerc','Payet','Rolland','Leclercq','Guillaume','Lecomte'])[1 + floor(random() * 100)::int] as surname,
  (array['',' & Fils',' SARL',' SAS',' Frères',' et Associés',' BTP',' Habitat'])[1 + floor(random() * 8)::int] as suffix,
  (array['Jean','Marie','Pierre','Julie','Nicolas','Sophie','Thomas','Camille','Lucas','Léa','Antoine','Manon','Hugo','Chloé','Louis','Emma',
         'Mathieu','Inès','Julien','Sarah','Élise','Éric','Françoise','Gaëlle','Hélène','Jérôme','Karim','Laurence','Mehdi','Nathalie'])[1 + floor(random() * 30)::int] as prenom,
  (array['Martin','Bernard','Petit','Durand','Moreau','Simon','Laurent','Lefèbvre','Michel','Garcia','David','Bertrand','Roux','Vincent','Fournier',
         'Morel','Girard','André','Mercier','Dupont','Lambert','Bonnet','François','Martinez','Legrand','Garnier','Faure','Rousseau','Blanc','Guérin',
         'Muller','Henry','Roussel','Nicolas','Perrin','Morin','Mathieu','Clément','Gauthier','Dumont'])[1 + floor(random() * 40)::int] as nom,
  (array['gmail.com','orange.fr','free.fr','wanadoo.fr','sfr.fr','laposte.net','outlook.fr','hotmail.fr','yahoo.fr','bbox.fr'])[1 + floor(random() * 10)::int] as domain,
  random() as r_domain,
  now() - (power(random(), 1.6) * interval '1095 days') as created_at,
  random() as r_plan, random() as r_status, random() as r_state, random() as r_extra, random() as r_trial
from generate_series(1, ${count}) g;

create temporary table gen2 as
select gen.*,
  extract(epoch from now() - created_at) / 86400 as age_days,
  case when r_plan < 0.55 then 'essai' when r_plan < 0.80 then 'starter' when r_plan < 0.95 then 'pro' else 'enterprise' end as plan0,
  regexp_replace(regexp_replace(translate(lower(replace(trade || ' ' || surname || suffix, '&', 'et')), 'àâäéèêëîïôöùûüç', 'aaaeeeeiioouuuc'), '[^a-z0-9]+', '-', 'g'), '^-|-$', '', 'g') as slug
from gen;

create temporary table gen3 as
select gen2.*,
  case
    when age_days < 30 then case when r_status < 0.92 then 'trialing' when r_status < 0.95 then 'cancelled' else 'active' end
    else case when r_status < 0.35 then 'active' when r_status < 0.80 then 'expired' when r_status < 0.92 then 'cancelled'
              when r_status < 0.96 then 'past_due' when r_status < 0.998 then 'suspended' else 'trialing' end
  end as status
from gen2;

insert into clients (id, entreprise, nom, prenom, email, telephone, effectif, created_at) overriding system value
select id, trade || ' ' || surname || suffix, nom, prenom,
  translate(lower(prenom || '.' || nom), 'àâäéèêëîïôöùûüç', 'aaaeeeeiioouuuc') || id || '@' || case when r_domain < 0.4 then slug || '.fr' else domain end,
  '+3361' || lpad((id % 10000000)::text, 7, '0'), (array['1-5','6-10','11-50','50+'])[1 + id % 4], created_at
from gen3;

-- Earlier, ended subscriptions (a plan change, an old trial) for 8 % of clients.
insert into subscriptions (client_id, plan, price_cents, status, trial_ends_at, started_at, ended_at, cgv_accepted_at, consent_ip, created_at)
select id, 'essai', 0, 'trialing', created_at + interval '30 days', created_at, created_at + interval '20 days', created_at, '10.0.0.1', created_at
from gen3 where r_extra < 0.08 and age_days > 20;

-- The current subscription (0.5 % of clients have none: ended without a successor).
insert into subscriptions (client_id, plan, price_cents, status, trial_ends_at, started_at, ended_at, converted_at, cgv_accepted_at, consent_ip, created_at)
select id, plan, case plan when 'starter' then 2900 when 'pro' then 6900 when 'enterprise' then null else 0 end, status,
  case when plan = 'enterprise' and r_trial < 0.3 then null else created_at + interval '30 days' end,
  created_at, case when r_extra > 0.995 then created_at + interval '40 days' end,
  case when status in ('active','past_due','suspended') then created_at + r_trial * interval '30 days' end,
  created_at, ('10.' || (id % 250) || '.' || (id / 250 % 250) || '.1')::inet, created_at
from (select gen3.*, case when status in ('active','past_due','suspended') and plan0 = 'essai' then 'starter' else plan0 end as plan from gen3) s;

-- Older deleted stacks (3 %), then every client's current stack.
insert into stacks (id, client_id, name, orchestrator, desired_state, observed_state, created_at, updated_at) overriding system value
select id, id, slug || '-old-' || id, 'local', 'deleted', 'deleted', created_at, created_at from gen3 where r_extra between 0.5 and 0.53;

insert into stacks (id, client_id, name, orchestrator, desired_state, observed_state, port, created_at, updated_at) overriding system value
select ${2 * count} + id, id, slug || '-' || id, case when id % 3 = 0 then 'portainer' else 'local' end,
  case state when 'stopped' then 'stopped' when 'deleted' then 'deleted' else 'running' end, state, 20000 + id % 30000, created_at, created_at
from (
  select gen3.*, case
    when r_extra > 0.995 then 'deleted'
    when status = 'trialing' and age_days < 0.2 then 'provisioning'
    when status in ('trialing','active','past_due') then
      case when r_state < 0.92 then 'running' when r_state < 0.95 then 'degraded' when r_state < 0.97 then 'down' when r_state < 0.985 then 'failed' else 'stopped' end
    when status = 'suspended' then 'stopped'
    when status = 'expired' then case when r_state < 0.6 then 'stopped' else 'deleted' end
    else case when r_state < 0.2 then 'stopped' else 'deleted' end
  end as state from gen3) s;

select setval(pg_get_serial_sequence('clients', 'id'), ${count});
select setval(pg_get_serial_sequence('stacks', 'id'), ${3 * count});
drop table gen; drop table gen2; drop table gen3;
`;
}

/** Seeds an empty, migrated database and refreshes the planner's statistics; the figures of what it wrote. */
export async function seedClients(pool: pg.Pool, count: number): Promise<{ clients: number; subscriptions: number; stacks: number; seconds: number }> {
  const started = performance.now();
  await pool.query(clientsSeedSql(count));
  for (const table of ['clients', 'subscriptions', 'stacks']) await pool.query(`vacuum analyze ${table}`);
  const { rows: [row] } = await pool.query<{ clients: number; subscriptions: number; stacks: number }>(
    'select (select count(*) from clients)::int as clients, (select count(*) from subscriptions)::int as subscriptions, (select count(*) from stacks)::int as stacks');
  return { ...row!, seconds: (performance.now() - started) / 1000 };
}

/** A new database on the server of `serverUrl` (for runs on DATABASE_URL: never seed a database in use), and how to drop it. */
export async function createThrowawayDatabase(serverUrl: string, prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Math.random().toString(16).slice(2, 10)}`;
  const onServer = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await onServer(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => onServer(`drop database if exists ${name} with (force)`) };
}
