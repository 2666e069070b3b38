package dev.odzew.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.cluster.health.ClusterHealthStatus;

/**
 * Starts ONE embedded OpenSearch node for the Odzew local stack (scripts/stack).
 *
 * <p>Unlike {@code OpenSearchRunner.main} (three nodes, HTTP from 9201, errors
 * swallowed) this prints every start-up error with its stack trace, exits 1 on
 * failure, and closes the node cleanly on SIGTERM.
 *
 * <p>System properties (all set by scripts/stack):
 * <ul>
 *   <li>{@code odzew.search.home} (required): base dir; config/, data/, logs/ live under it.
 *       The hunspell dictionaries are read from {@code config/hunspell/<locale>/}.</li>
 *   <li>{@code odzew.search.host} (127.0.0.1), {@code odzew.search.port} (9200),
 *       {@code odzew.search.cluster} (odzew).</li>
 * </ul>
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(final String[] args) {
        final String homeProp = System.getProperty("odzew.search.home");
        if (homeProp == null || homeProp.isBlank()) {
            System.err.println("[launcher] -Dodzew.search.home=<dir> is required");
            System.exit(2);
        }
        final Path home = Paths.get(homeProp).toAbsolutePath();
        final String host = System.getProperty("odzew.search.host", "127.0.0.1");
        final String port = System.getProperty("odzew.search.port", "9200");
        final String cluster = System.getProperty("odzew.search.cluster", "odzew");

        final OpenSearchRunner runner = new OpenSearchRunner();
        // We pin http.port ourselves: don't let the runner probe 9201..9299 for a free one.
        runner.setMaxHttpPort(-1);
        runner.onBuild((index, settings) -> {
            settings.put("node.name", "odzew-search");
            settings.put("network.host", host);
            settings.put("http.port", port);
            settings.put("transport.port", "9300-9399");
            settings.put("discovery.type", "single-node");
            settings.putList("node.roles", "cluster_manager", "data", "ingest");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            // Dictionaries (e.g. pl_PL) are loaded on first use, not at start-up.
            settings.put("indices.analysis.hunspell.dictionary.lazy", true);
            settings.put("action.auto_create_index", true);
        });

        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("[launcher] shutdown requested, closing node");
            try {
                runner.close();
            } catch (final Throwable t) {
                System.err.println("[launcher] error while closing the node:");
                t.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "odzew-search-shutdown"));

        try {
            Files.createDirectories(home);
            runner.build(
                    "-basePath", home.toString(),
                    "-confPath", home.resolve("config").toString(),
                    "-dataPath", home.resolve("data").toString(),
                    "-logsPath", home.resolve("logs").toString(),
                    "-numOfNode", "1",
                    "-clusterName", cluster,
                    "-printOnFailure");
            final ClusterHealthStatus health = runner.ensureYellow();
            System.out.println("[launcher] READY cluster=" + cluster + " health=" + health
                    + " http=http://" + host + ":" + port);
        } catch (final Throwable t) {
            System.err.println("[launcher] FAILED to start OpenSearch:");
            t.printStackTrace();
            System.err.flush();
            // halt: skip the shutdown hook, a half-built node may hang in close().
            Runtime.getRuntime().halt(1);
        }

        try {
            stopped.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
