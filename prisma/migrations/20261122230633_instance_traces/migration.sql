-- CreateTable
CREATE TABLE "instance_traces" (
    "id" BIGSERIAL NOT NULL,
    "instance_id" INTEGER NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "method" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "status" INTEGER,
    "duration_ms" INTEGER NOT NULL,
    "request_body" TEXT,
    "response_body" TEXT,
    "error" TEXT,

    CONSTRAINT "instance_traces_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "instance_traces_instance_id_id_idx" ON "instance_traces"("instance_id", "id");

-- AddForeignKey
ALTER TABLE "instance_traces" ADD CONSTRAINT "instance_traces_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;
