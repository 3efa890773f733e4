-- Work wake-ups across processes (issue 16): new work NOTIFYs the change feed's channel, so a
-- process's delivery or formula worker claims it at once instead of at its next idle tick (the api
-- that stores a webhook's notifications or a manual execution is not where the pollers run).
-- One notice per statement (not per row), folded by PostgreSQL within a transaction, delivered at
-- commit: `work:deliveries` when notifications are stored, `work:formulas` when executions are.
-- hub_notify_change (20261202180000_change_feed_triggers) sends TG_ARGV[0] as it is when given no id column.
CREATE TRIGGER event_notifications_work_wakeup AFTER INSERT ON "event_notifications"
  FOR EACH STATEMENT EXECUTE FUNCTION hub_notify_change('work:deliveries');
CREATE TRIGGER formula_executions_work_wakeup AFTER INSERT ON "formula_executions"
  FOR EACH STATEMENT EXECUTE FUNCTION hub_notify_change('work:formulas');
