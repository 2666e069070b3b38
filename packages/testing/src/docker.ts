import { existsSync } from "node:fs";

/**
 * Whether a Docker engine answers here. Tests that need one (Elasticsearch through
 * testcontainers) run only then, and print why they were skipped otherwise.
 */
export async function dockerAvailable(): Promise<{ available: boolean; reason: string }> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    const client = await getContainerRuntimeClient();
    return { available: true, reason: `Docker ${client.info.containerRuntime.serverVersion}`.trim() };
  } catch (error) {
    return { available: false, reason: `no Docker engine answers (${error instanceof Error ? error.message.split("\n")[0] : String(error)})` };
  }
}

/** Start Elasticsearch 8 in a container (single node, security off) and return its URL. */
export async function startElasticsearch(image = "docker.elastic.co/elasticsearch/elasticsearch:8.19.2") {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer(image)
    .withEnvironment({
      "discovery.type": "single-node",
      "xpack.security.enabled": "false",
      ES_JAVA_OPTS: "-Xms512m -Xmx512m",
    })
    .withExposedPorts(9200)
    // The same Polish dictionary the local stack gives OpenSearch, where Debian's hunspell-pl has it.
    .withCopyFilesToContainer(
      ["aff", "dic"]
        .map((ext) => `/usr/share/hunspell/pl_PL.${ext}`)
        .filter((file) => existsSync(file))
        .map((file) => ({ source: file, target: `/usr/share/elasticsearch/config/hunspell/pl_PL/${file.split("/").pop()}` })),
    )
    .withWaitStrategy(Wait.forHttp("/_cluster/health?wait_for_status=yellow", 9200).forStatusCode(200))
    .withStartupTimeout(180_000)
    .start();
  return {
    url: `http://${container.getHost()}:${container.getMappedPort(9200)}`,
    stop: () => container.stop(),
  };
}
