-- elementRequest triggers: the element instance whose client hub calls start a formula instance's executions.
ALTER TABLE "formula_instances" ADD COLUMN "request_instance_id" INTEGER;

CREATE INDEX "formula_instances_request_instance_id_idx" ON "formula_instances"("request_instance_id");
