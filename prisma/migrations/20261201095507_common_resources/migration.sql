-- CreateTable
CREATE TABLE "organization_object_definitions" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "object_name" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_object_definitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instance_object_definitions" (
    "id" SERIAL NOT NULL,
    "instance_id" INTEGER NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "object_name" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "instance_object_definitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organization_transformations" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "element_id" INTEGER NOT NULL,
    "object_name" TEXT NOT NULL,
    "vendor_name" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "configuration" JSONB NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_transformations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instance_transformations" (
    "id" SERIAL NOT NULL,
    "instance_id" INTEGER NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "object_name" TEXT NOT NULL,
    "vendor_name" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "configuration" JSONB NOT NULL,
    "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "instance_transformations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "organization_object_definitions_organization_id_object_name_key" ON "organization_object_definitions"("organization_id", "object_name");

-- CreateIndex
CREATE UNIQUE INDEX "instance_object_definitions_instance_id_object_name_key" ON "instance_object_definitions"("instance_id", "object_name");

-- CreateIndex
CREATE UNIQUE INDEX "organization_transformations_organization_id_element_id_obj_key" ON "organization_transformations"("organization_id", "element_id", "object_name");

-- CreateIndex
CREATE UNIQUE INDEX "instance_transformations_instance_id_object_name_key" ON "instance_transformations"("instance_id", "object_name");

-- AddForeignKey
ALTER TABLE "organization_object_definitions" ADD CONSTRAINT "organization_object_definitions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instance_object_definitions" ADD CONSTRAINT "instance_object_definitions_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_transformations" ADD CONSTRAINT "organization_transformations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_transformations" ADD CONSTRAINT "organization_transformations_element_id_fkey" FOREIGN KEY ("element_id") REFERENCES "elements"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instance_transformations" ADD CONSTRAINT "instance_transformations_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;
