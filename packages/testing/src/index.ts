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
export { startTrustpilotApi, type TrustpilotApi, type TrustpilotReviewFixture, type TrustpilotFailure } from "./stores/trustpilot-api.ts";
export { startAllegroApi, type AllegroApi, type AllegroRatingFixture, type AllegroFailure } from "./stores/allegro-api.ts";
export { startGooglePlayApi, useGooglePlayApi, PLAY_FIXTURE_MAX_REPLY, type GooglePlayApi, type GooglePlayApiOptions, type PlayApiReview, type PlayReviewSeed } from "./stores/google-play-api.ts";
export { startGoogleBusinessApi, useGoogleBusinessApi, BUSINESS_FIXTURE_MAX_REPLY_BYTES, type GoogleBusinessApi, type GoogleBusinessApiOptions, type BusinessApiReview, type BusinessReviewSeed } from "./stores/google-business-api.ts";
export type { GoogleFault, FailNextOptions, GoogleApiRequest } from "./stores/google-fixture.ts";
export { startAppStoreConnectApi, useAppStoreConnectApi, type AppStoreConnectApi, type AppStoreConnectApiOptions, type AppStoreConnectFailure, type AppStoreConnectRequestLog, type FixtureCustomerReview, type FixtureReviewResponse } from "./stores/app-store-connect-api.ts";
export { startFacebookGraphApi, type FacebookGraphApi, type FacebookGraphApiOptions, type FacebookPostSeed, type FacebookCommentSeed, type FacebookRatingSeed, type FacebookFault } from "./stores/facebook-graph-api.ts";
export { startXApi, type XApi, type XApiOptions, type XPostSeed, type XUserSeed, type XFault } from "./stores/x-api.ts";
export { demoRun, type DemoRun } from "./demo-run.ts";
export { odzewFailure } from "./errors.ts";
