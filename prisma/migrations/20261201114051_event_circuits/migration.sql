-- CreateTable
CREATE TABLE "event_circuits" (
    "url_hash" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "consecutive_failures" INTEGER NOT NULL,
    "retry_at" TIMESTAMPTZ(3),
    "owner" TEXT NOT NULL,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "event_circuits_pkey" PRIMARY KEY ("url_hash")
);

-- CreateIndex
CREATE INDEX "event_circuits_updated_date_idx" ON "event_circuits"("updated_date");
