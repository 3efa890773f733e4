-- CreateTable
CREATE TABLE "organizations" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "email_address" TEXT NOT NULL,
    "first_name" TEXT,
    "last_name" TEXT,
    "secret_hash" TEXT NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "elements" (
    "id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "elements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instances" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "element_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "token_hash" TEXT NOT NULL,
    "token_ciphertext" TEXT NOT NULL,
    "valid" BOOLEAN NOT NULL DEFAULT true,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "events_enabled" BOOLEAN NOT NULL DEFAULT false,
    "caching_enabled" BOOLEAN NOT NULL DEFAULT false,
    "max_cache_size" INTEGER NOT NULL DEFAULT 0,
    "cache_time_to_live" INTEGER NOT NULL DEFAULT 0,
    "trace_logging_enabled" BOOLEAN NOT NULL DEFAULT false,
    "external_authentication" TEXT NOT NULL DEFAULT 'none',
    "provider_data" JSONB,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instance_configuration" (
    "id" SERIAL NOT NULL,
    "instance_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT,
    "secret" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "instance_configuration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "organizations_secret_hash_key" ON "organizations"("secret_hash");

-- CreateIndex
CREATE UNIQUE INDEX "users_secret_hash_key" ON "users"("secret_hash");

-- CreateIndex
CREATE UNIQUE INDEX "users_organization_id_email_address_key" ON "users"("organization_id", "email_address");

-- CreateIndex
CREATE UNIQUE INDEX "elements_key_key" ON "elements"("key");

-- CreateIndex
CREATE UNIQUE INDEX "instances_token_hash_key" ON "instances"("token_hash");

-- CreateIndex
CREATE INDEX "instances_organization_id_id_idx" ON "instances"("organization_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "instance_configuration_instance_id_key_key" ON "instance_configuration"("instance_id", "key");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instances" ADD CONSTRAINT "instances_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instances" ADD CONSTRAINT "instances_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instances" ADD CONSTRAINT "instances_element_id_fkey" FOREIGN KEY ("element_id") REFERENCES "elements"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instance_configuration" ADD CONSTRAINT "instance_configuration_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;
