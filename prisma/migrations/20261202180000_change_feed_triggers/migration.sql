-- The change feed across replicas (issue 16): every write that makes a process's cache stale
-- NOTIFYs channel `hub_changes` with a small payload (kind and id), whoever the writer is (an api
-- replica, the CLI, direct SQL). Each process LISTENs on one connection and drops what the change
-- makes stale (libs/store/src/lib/change-notifications.ts). PostgreSQL delivers a notification at
-- commit, never for a rolled-back transaction, and folds identical payloads of one transaction.
-- No trigger sits on a table the hot paths write (events, poll states, rate-limit token takes).

-- TG_ARGV[0]: the kind (instance, organization, commonResources, rateLimits), TG_ARGV[1]: the column
-- holding the id, absent for a kind without one. An UPDATE that moves a row to another instance or
-- organization notifies the old one too.
-- The body is an E'' string with \x3b for each semicolon: Prisma's driver adapters run a migration
-- statement by statement, splitting it at every semicolon, dollar quotes or not.
CREATE FUNCTION hub_notify_change() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  id text\x3b
BEGIN
  IF TG_NARGS < 2 THEN
    PERFORM pg_notify(''hub_changes'', TG_ARGV[0])\x3b
    RETURN NULL\x3b
  END IF\x3b
  IF TG_OP = ''DELETE'' THEN
    id := to_jsonb(OLD) ->> TG_ARGV[1]\x3b
  ELSE
    id := to_jsonb(NEW) ->> TG_ARGV[1]\x3b
  END IF\x3b
  PERFORM pg_notify(''hub_changes'', TG_ARGV[0] || '':'' || id)\x3b
  IF TG_OP = ''UPDATE'' AND (to_jsonb(OLD) ->> TG_ARGV[1]) IS DISTINCT FROM id THEN
    PERFORM pg_notify(''hub_changes'', TG_ARGV[0] || '':'' || (to_jsonb(OLD) ->> TG_ARGV[1]))\x3b
  END IF\x3b
  RETURN NULL\x3b
END
';

-- Instances: configuration, enable/disable, caching and trace settings, deletion (a new instance stales nothing).
CREATE TRIGGER instances_change_feed AFTER UPDATE OR DELETE ON "instances"
  FOR EACH ROW EXECUTE FUNCTION hub_notify_change('instance', 'id');
CREATE TRIGGER instance_configuration_change_feed AFTER INSERT OR UPDATE OR DELETE ON "instance_configuration"
  FOR EACH ROW EXECUTE FUNCTION hub_notify_change('instance', 'instance_id');

-- Organizations: suspension, secret rotation, settings (strict parameters), deletion. Users: secret rotation, deletion.
CREATE TRIGGER organizations_change_feed AFTER UPDATE OR DELETE ON "organizations"
  FOR EACH ROW EXECUTE FUNCTION hub_notify_change('organization', 'id');
CREATE TRIGGER users_change_feed AFTER UPDATE OR DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION hub_notify_change('organization', 'organization_id');

-- Rate limits: a limit set (again: the bucket refills), changed or removed, not the token takes of every
-- hub call (their UPDATE sets tokens and refilled_at only, so UPDATE OF does not fire).
CREATE TRIGGER organization_rate_limits_change_feed AFTER INSERT OR DELETE ON "organization_rate_limits"
  FOR EACH ROW EXECUTE FUNCTION hub_notify_change('rateLimits', 'organization_id');
CREATE TRIGGER organization_rate_limits_update_change_feed AFTER UPDATE OF "requests_per_second", "burst" ON "organization_rate_limits"
  FOR EACH ROW EXECUTE FUNCTION hub_notify_change('rateLimits', 'organization_id');

-- Common resource definitions and transformations, at either level: one notice per statement.
CREATE TRIGGER organization_object_definitions_change_feed AFTER INSERT OR UPDATE OR DELETE ON "organization_object_definitions"
  FOR EACH STATEMENT EXECUTE FUNCTION hub_notify_change('commonResources');
CREATE TRIGGER instance_object_definitions_change_feed AFTER INSERT OR UPDATE OR DELETE ON "instance_object_definitions"
  FOR EACH STATEMENT EXECUTE FUNCTION hub_notify_change('commonResources');
CREATE TRIGGER organization_transformations_change_feed AFTER INSERT OR UPDATE OR DELETE ON "organization_transformations"
  FOR EACH STATEMENT EXECUTE FUNCTION hub_notify_change('commonResources');
CREATE TRIGGER instance_transformations_change_feed AFTER INSERT OR UPDATE OR DELETE ON "instance_transformations"
  FOR EACH STATEMENT EXECUTE FUNCTION hub_notify_change('commonResources');
