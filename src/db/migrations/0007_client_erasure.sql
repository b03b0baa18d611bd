-- RGPD erasure (DELETE /api/v1/clients/{id}): the anonymised client row stays, for accounting, with the time of its erasure.
ALTER TABLE "clients" ADD COLUMN "erased_at" timestamp with time zone;