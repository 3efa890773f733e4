const { getJestProjectsAsync } = require('@nx/jest');

// One Jest run over every project, so that `npm test` gets one JSON report with
// the totals of every suite (see tools/scripts/test-all.mjs). Plain JavaScript, like every
// jest.config.js here: Nx reads them to build its project graph, and a TypeScript one would
// make it fall back to ts-node (a warning per file) on Node 20.
module.exports = async () => ({
  projects: await getJestProjectsAsync(),
});
