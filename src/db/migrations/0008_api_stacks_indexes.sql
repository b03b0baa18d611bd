-- The REST API's stack search (GET /api/v1/stacks?search=) looks in the stack name (stacks_name_trgm_idx, 0005) and in
-- the company name: this index finds a rare company without reading every client (src/http/api/stacks-api.repository.ts).
CREATE INDEX "clients_entreprise_trgm_idx" ON "clients" USING gin (lower("entreprise") gin_trgm_ops);--> statement-breakpoint
-- Not in the schema (Drizzle has no word for it): a larger sample for the share of names a substring matches. With the
-- default one (100 values), « dupont » in 1 % of 100,000 stacks was estimated anywhere from 10 to 3,000 rows from one
-- ANALYZE to the next, and the planner read the index for a frequent fragment or walked the whole list for a rare one.
ALTER INDEX "clients_entreprise_trgm_idx" ALTER COLUMN 1 SET STATISTICS 1000;--> statement-breakpoint
ALTER TABLE "stacks" ALTER COLUMN "name" SET STATISTICS 1000;--> statement-breakpoint
ANALYZE "clients";--> statement-breakpoint
ANALYZE "stacks";
