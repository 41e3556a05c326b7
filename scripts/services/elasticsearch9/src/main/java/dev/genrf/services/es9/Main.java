package dev.genrf.services.es9;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.ClasspathPluginsNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts one Elasticsearch 9 node (HTTP over Netty4, single-node discovery, no security) from
 * jars on the classpath. Configuration comes from environment variables so the services
 * harness can run it like any other service:
 *   ES_HTTP_PORT (9200), ES_TRANSPORT_PORT (9300), ES_DATA_DIR (required: holds data/, logs/,
 *   config/ and home/), ES_EXTRA_PLUGINS (comma-separated plugin class names, optional).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Path dir = Path.of(required("ES_DATA_DIR")).toAbsolutePath();
        Path home = dir.resolve("home");
        Path config = dir.resolve("config");
        for (Path p : List.of(home, config, dir.resolve("data"), dir.resolve("logs"))) {
            Files.createDirectories(p);
        }
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", dir.resolve("data").toString())
            .put("path.logs", dir.resolve("logs").toString())
            .put("cluster.name", "genrf-services")
            .put("node.name", "genrf-es")
            .put("network.host", "127.0.0.1")
            .put("http.port", env("ES_HTTP_PORT", "9200"))
            .put("transport.port", env("ES_TRANSPORT_PORT", "9300"))
            .put("discovery.type", "single-node")
            .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
            .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
            .put("action.destructive_requires_name", false)
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();

        LogConfigurator.configureESLogging();
        LogConfigurator.setClusterName("genrf-services");
        LogConfigurator.setNodeName("genrf-es");

        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        plugins.add(Netty4Plugin.class);
        plugins.add(RestShimPlugin.class);
        for (String name : env("ES_EXTRA_PLUGINS", "").split(",")) {
            if (name.isBlank() == false) {
                plugins.add(Class.forName(name.trim()).asSubclass(Plugin.class));
            }
        }

        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> "genrf-es");
        Node node = new ClasspathPluginsNode(environment, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "genrf-es-shutdown"));
        node.start();
        System.out.printf("genrf-es9: started in %d ms, http on 127.0.0.1:%s, plugins %s%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), env("ES_HTTP_PORT", "9200"), plugins);
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    private static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(name + " is not set: point it at a writable directory for the node's data");
        }
        return v;
    }
}
