-- Live progress crosses processes: every new deployment event is announced on the
-- `deployment_events` channel (payload: the deployment id), whoever wrote it.
CREATE FUNCTION notify_deployment_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('deployment_events', NEW.deployment_id::text);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER deployment_events_notify AFTER INSERT ON deployment_events
  FOR EACH ROW EXECUTE FUNCTION notify_deployment_event();
