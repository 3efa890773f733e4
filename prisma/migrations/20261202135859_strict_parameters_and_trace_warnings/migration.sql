-- AlterTable
ALTER TABLE "instance_traces" ADD COLUMN     "warning" TEXT;

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "strict_parameters" BOOLEAN NOT NULL DEFAULT false;
