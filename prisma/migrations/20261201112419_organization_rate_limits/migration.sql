-- CreateTable
CREATE TABLE "organization_rate_limits" (
    "organization_id" INTEGER NOT NULL,
    "requests_per_second" DOUBLE PRECISION NOT NULL,
    "burst" INTEGER NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "refilled_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_rate_limits_pkey" PRIMARY KEY ("organization_id")
);

-- AddForeignKey
ALTER TABLE "organization_rate_limits" ADD CONSTRAINT "organization_rate_limits_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
