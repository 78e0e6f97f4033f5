package graphsvc.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;
import org.neo4j.server.configuration.ServerSettings;

/**
 * Runs a Neo4j Community DBMS with Bolt and HTTP (Neo4j Browser) on loopback until stopped.
 *
 * <p>Settings come from the environment: NEO4J_HOME_DIR (data folder, kept across restarts),
 * NEO4J_BOLT_PORT, NEO4J_HTTP_PORT, NEO4J_PAGECACHE_MB, NEO4J_AUTH ("none" turns auth off),
 * NEO4J_USER and NEO4J_PASSWORD (set on every start, so the password follows the environment),
 * NEO4J_READY_FILE (written once the server is ready for clients), NEO4J_GUIDE_HOSTS (the hosts
 * Browser may load guides and styles from, comma-separated) and NEO4J_BROWSER_GUIDE (a guide URL
 * that Browser plays on connecting; none by default).
 */
public final class Neo4jServer {
    private Neo4jServer() {}

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Makes the password the environment's, creating the user if needed; idempotent. */
    private static void setPassword(DatabaseManagementService dbms, String user, String password) {
        var system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        Map<String, Object> params = Map.of("user", user, "password", password);
        if (!"neo4j".equals(user)) {
            system.executeTransactionally(
                    "CREATE USER $user IF NOT EXISTS SET PASSWORD $password CHANGE NOT REQUIRED", params);
        }
        try {
            system.executeTransactionally(
                    "ALTER USER $user SET PASSWORD $password CHANGE NOT REQUIRED", params);
        } catch (QueryExecutionException error) {
            // Neo4j refuses to set the password it already has: nothing to do then.
            if (!String.valueOf(error.getMessage()).contains("Old password and new password cannot be the same")) {
                throw error;
            }
        }
    }

    /**
     * The hosts Browser may fetch {@code :play} guides and {@code :style} files from. Browser's own
     * default names only localhost, so a guide served at 127.0.0.1 (graphsvc serve) would be refused.
     */
    static final String GUIDE_HOSTS = "localhost,127.0.0.1,guides.neo4j.com";

    public static void main(String[] args) throws Exception {
        Path home = Path.of(env("NEO4J_HOME_DIR", "var/neo4j/home")).toAbsolutePath();
        Files.createDirectories(home);
        int boltPort = Integer.parseInt(env("NEO4J_BOLT_PORT", "7687"));
        int httpPort = Integer.parseInt(env("NEO4J_HTTP_PORT", "7474"));
        long pageCacheMb = Long.parseLong(env("NEO4J_PAGECACHE_MB", "2048"));
        boolean auth = !"none".equalsIgnoreCase(env("NEO4J_AUTH", "on"));
        String user = env("NEO4J_USER", "neo4j");
        String password = env("NEO4J_PASSWORD", "graphsvc-dev");
        String guide = env("NEO4J_BROWSER_GUIDE", "");

        var builder = new DatabaseManagementServiceBuilder(home);
        // Further settings for this server, from a file of neo4j.conf lines (any value, lists too).
        String conf = env("NEO4J_CONF", "");
        if (!conf.isBlank()) {
            builder.loadPropertiesFromFile(Path.of(conf).toAbsolutePath());
        }
        DatabaseManagementService dbms = builder
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort))
                // Browser connects where discovery says; without this it says port 7687 always.
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", boltPort))
                .setConfig(HttpConnector.enabled, true)
                .setConfig(HttpConnector.listen_address, new SocketAddress("127.0.0.1", httpPort))
                .setConfig(ServerSettings.browser_remote_content_hostname_whitelist,
                        env("NEO4J_GUIDE_HOSTS", GUIDE_HOSTS))
                .setConfig(ServerSettings.browser_post_connect_cmd, guide.isEmpty() ? "" : "play " + guide)
                // Departments run this on intranets: Browser should not try to send usage data.
                .setConfig(ServerSettings.allow_telemetry, false)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));
        try {
            if (auth) {
                setPassword(dbms, user, password);
            }
        } catch (RuntimeException error) {
            // Without this the database threads would keep the JVM alive after a failed start.
            error.printStackTrace();
            System.exit(1);
        }
        System.out.printf("graphsvc neo4j: bolt://127.0.0.1:%d, http://127.0.0.1:%d/browser/, data in %s%n",
                boltPort, httpPort, home);
        // Ready only now that the password is set: the start script waits for this file.
        String ready = System.getenv("NEO4J_READY_FILE");
        if (ready != null && !ready.isBlank()) {
            Files.writeString(Path.of(ready), ProcessHandle.current().pid() + "\n");
        }
        new CountDownLatch(1).await();
    }
}
