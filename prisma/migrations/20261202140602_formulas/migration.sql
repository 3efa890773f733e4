-- CreateTable
CREATE TABLE "formulas" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "single_threaded" BOOLEAN NOT NULL DEFAULT false,
    "definition" JSONB NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "formulas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "formula_instances" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "formula_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "configuration" JSONB NOT NULL DEFAULT '{}',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "event_instance_id" INTEGER,
    "cron" TEXT,
    "next_run_at" TIMESTAMPTZ(3),
    "consecutive_errors" INTEGER NOT NULL DEFAULT 0,
    "first_consecutive_error_date" TIMESTAMPTZ(3),
    "consecutive_error_warnings" INTEGER NOT NULL DEFAULT 0,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "formula_instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "formula_executions" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "formula_instance_id" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "trigger" JSONB NOT NULL,
    "event_id" TEXT,
    "object_id" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "retry_of" INTEGER,
    "claims" INTEGER NOT NULL DEFAULT 0,
    "run_after" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "error" TEXT,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_date" TIMESTAMPTZ(3),

    CONSTRAINT "formula_executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "formula_step_executions" (
    "id" SERIAL NOT NULL,
    "execution_id" INTEGER NOT NULL,
    "step_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "formula_step_executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "formula_step_execution_values" (
    "id" SERIAL NOT NULL,
    "step_execution_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "formula_step_execution_values_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "formulas_organization_id_id_idx" ON "formulas"("organization_id", "id");

-- CreateIndex
CREATE INDEX "formula_instances_organization_id_id_idx" ON "formula_instances"("organization_id", "id");

-- CreateIndex
CREATE INDEX "formula_instances_formula_id_id_idx" ON "formula_instances"("formula_id", "id");

-- CreateIndex
CREATE INDEX "formula_instances_event_instance_id_idx" ON "formula_instances"("event_instance_id");

-- CreateIndex
CREATE INDEX "formula_instances_next_run_at_idx" ON "formula_instances"("next_run_at");

-- CreateIndex
CREATE INDEX "formula_executions_formula_instance_id_id_idx" ON "formula_executions"("formula_instance_id", "id");

-- CreateIndex
CREATE INDEX "formula_executions_formula_instance_id_status_id_idx" ON "formula_executions"("formula_instance_id", "status", "id");

-- CreateIndex
CREATE INDEX "formula_executions_status_run_after_id_idx" ON "formula_executions"("status", "run_after", "id");

-- CreateIndex
CREATE INDEX "formula_executions_retry_of_idx" ON "formula_executions"("retry_of");

-- CreateIndex
CREATE INDEX "formula_step_executions_execution_id_id_idx" ON "formula_step_executions"("execution_id", "id");

-- CreateIndex
CREATE INDEX "formula_step_execution_values_step_execution_id_id_idx" ON "formula_step_execution_values"("step_execution_id", "id");

-- AddForeignKey
ALTER TABLE "formulas" ADD CONSTRAINT "formulas_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "formula_instances" ADD CONSTRAINT "formula_instances_formula_id_fkey" FOREIGN KEY ("formula_id") REFERENCES "formulas"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "formula_executions" ADD CONSTRAINT "formula_executions_formula_instance_id_fkey" FOREIGN KEY ("formula_instance_id") REFERENCES "formula_instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "formula_step_executions" ADD CONSTRAINT "formula_step_executions_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "formula_executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "formula_step_execution_values" ADD CONSTRAINT "formula_step_execution_values_step_execution_id_fkey" FOREIGN KEY ("step_execution_id") REFERENCES "formula_step_executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
