CREATE TABLE "platform_instance" (
	"id" text PRIMARY KEY DEFAULT substr(md5(random()::text || clock_timestamp()::text), 1, 8) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- The platform instance gets its id when the schema is created.
INSERT INTO "platform_instance" DEFAULT VALUES;
