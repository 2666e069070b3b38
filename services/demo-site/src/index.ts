import { ShutdownManager, createLogger } from "@odzew/core";
import { env } from "./env.ts";
import { startDemoSite } from "./site.ts";

const logger = createLogger({ service: "demo-site", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const site = await startDemoSite({
    port: env.DEMO_SITE_PORT,
    host: env.DEMO_SITE_HOST,
    logger,
    newReviewEveryMs: env.DEMO_SITE_NEW_REVIEW_EVERY_S * 1000,
    ...(env.DEMO_SITE_REPLY_TOKEN ? { replyToken: env.DEMO_SITE_REPLY_TOKEN } : {}),
  });
  if (!env.DEMO_SITE_REPLY_TOKEN) {
    logger.warn("DEMO_SITE_REPLY_TOKEN is not set: the shop refuses replies (503); `odzew run --demo` sets one");
  }
  shutdown.register({ name: "demo-site", stop: () => site.stop() });
  logger.info({ url: `${site.url}/opinie` }, "demo review site up");
});
