-- AlterTable
ALTER TABLE "operator_sessions" DROP COLUMN "csrf_hash";
