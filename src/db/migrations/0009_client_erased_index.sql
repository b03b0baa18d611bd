-- The client list leaves erased clients (RGPD) out, or shows them alone: an anti-join on this index of the few erased
-- clients keeps the list's other reads index-only (src/backoffice/client-directory.repository.ts).
CREATE INDEX "clients_erased_id_idx" ON "clients" USING btree ("id") WHERE "clients"."erased_at" is not null;
