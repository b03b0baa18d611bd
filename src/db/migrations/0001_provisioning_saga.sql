CREATE TABLE "credentials" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "credentials_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"stack_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"ciphertext" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployment_steps" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deployment_steps_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"deployment_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "deployment_steps_status_check" CHECK ("deployment_steps"."status" in ('pending','running','succeeded','failed','skipped','compensated'))
);
--> statement-breakpoint
CREATE TABLE "port_allocations" (
	"environment" text NOT NULL,
	"port" integer NOT NULL,
	"stack_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "port_allocations_environment_port_pk" PRIMARY KEY("environment","port")
);
--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "credentials_shown_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "public"."stacks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_steps" ADD CONSTRAINT "deployment_steps_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_allocations" ADD CONSTRAINT "port_allocations_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "public"."stacks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_stack_kind_key" ON "credentials" USING btree ("stack_id","kind");--> statement-breakpoint
CREATE INDEX "credentials_key_id_idx" ON "credentials" USING btree ("key_id");--> statement-breakpoint
CREATE UNIQUE INDEX "deployment_steps_deployment_name_key" ON "deployment_steps" USING btree ("deployment_id","name");--> statement-breakpoint
CREATE INDEX "deployment_steps_name_finished_idx" ON "deployment_steps" USING btree ("name","finished_at");--> statement-breakpoint
CREATE UNIQUE INDEX "port_allocations_stack_key" ON "port_allocations" USING btree ("stack_id");