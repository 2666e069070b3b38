export {
  stackEnv,
  uniquePrefix,
  testLogger,
  waitFor,
  createTestPipeline,
  createTestStore,
  readTopic,
  type TestPipeline,
} from "./stack.ts";
export { startFixtureServer, useFixtureServers, type FixtureHandler, type FixtureRequest } from "./http-fixture.ts";
export { dockerAvailable, startElasticsearch } from "./docker.ts";
export { sampleEnrichedMention, sampleRawMention } from "./mentions.ts";
export { REPO_ROOT, freePort, runTs, runService, type RunningProcess } from "./process.ts";
export { metricValue } from "./metrics.ts";
