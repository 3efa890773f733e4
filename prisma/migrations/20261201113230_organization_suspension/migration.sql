-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "suspended" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "suspended_date" TIMESTAMPTZ(3);
