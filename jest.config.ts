import { getJestProjectsAsync } from '@nx/jest';

// One Jest run over every project, so that `npm test` gets one JSON report with
// the totals of every suite (see tools/scripts/test-all.mjs).
export default async () => ({
  projects: await getJestProjectsAsync(),
});
