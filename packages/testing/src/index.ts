export {
  stackEnv,
  uniquePrefix,
  testLogger,
  waitFor,
  createTestPipeline,
  createTestStore,
  readTopic,
  committedPast,
  stableGroupMembers,
  type TestPipeline,
  type TestStore,
} from "./stack.ts";
export { startFixtureServer, useFixtureServers, type FixtureHandler, type FixtureRequest } from "./http-fixture.ts";
export { dockerAvailable, startElasticsearch } from "./docker.ts";
export { sampleEnrichedMention, sampleRawMention } from "./mentions.ts";
export { REPO_ROOT, freePort, runTs, runService, type RunningProcess } from "./process.ts";
export { metricValue, processMetric } from "./metrics.ts";
export { startEngineProxy, type BulkFault, type EngineProxy, type EngineProxyStats } from "./engine-proxy.ts";
export { startKafkaBroker, type KafkaBroker } from "./kafka-broker.ts";
export { superviseService, type SupervisedService, type ServiceCrash } from "./supervised-service.ts";
export { documentsPerId, compareIds } from "./index-scan.ts";
export { demoSiteSourceYaml } from "./demo-site-source.ts";
