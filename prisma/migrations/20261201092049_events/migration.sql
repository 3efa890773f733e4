-- CreateTable
CREATE TABLE "event_poll_states" (
    "instance_id" INTEGER NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "interval_ms" INTEGER NOT NULL,
    "checkpoint" TIMESTAMPTZ(3) NOT NULL,
    "next_run_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "last_run_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "last_events_found" INTEGER NOT NULL DEFAULT 0,
    "events_found" BIGINT NOT NULL DEFAULT 0,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_poll_states_pkey" PRIMARY KEY ("instance_id")
);

-- CreateTable
CREATE TABLE "event_notifications" (
    "id" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "instance_id" INTEGER NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "element_key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "event_count" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'created',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "delivered_date" TIMESTAMPTZ(3),
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "event_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "notification_id" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "started_date" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,

    CONSTRAINT "event_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_keys" (
    "instance_id" INTEGER NOT NULL,
    "object_type" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_keys_pkey" PRIMARY KEY ("instance_id","object_type","object_id","version")
);

-- CreateIndex
CREATE INDEX "event_poll_states_next_run_at_idx" ON "event_poll_states"("next_run_at");

-- CreateIndex
CREATE UNIQUE INDEX "event_notifications_event_id_key" ON "event_notifications"("event_id");

-- CreateIndex
CREATE INDEX "event_notifications_instance_id_id_idx" ON "event_notifications"("instance_id", "id");

-- CreateIndex
CREATE INDEX "event_notifications_instance_id_status_id_idx" ON "event_notifications"("instance_id", "status", "id");

-- CreateIndex
CREATE INDEX "event_notifications_next_attempt_at_id_idx" ON "event_notifications"("next_attempt_at", "id");

-- CreateIndex
CREATE INDEX "event_delivery_attempts_notification_id_id_idx" ON "event_delivery_attempts"("notification_id", "id");

-- CreateIndex
CREATE INDEX "event_keys_created_date_idx" ON "event_keys"("created_date");

-- AddForeignKey
ALTER TABLE "event_poll_states" ADD CONSTRAINT "event_poll_states_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_notifications" ADD CONSTRAINT "event_notifications_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_delivery_attempts" ADD CONSTRAINT "event_delivery_attempts_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "event_notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_keys" ADD CONSTRAINT "event_keys_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;
