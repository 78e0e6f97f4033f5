package graphsvc.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.io.ByteUnit;

/**
 * Fills an empty database of a stopped local Neo4j with Neo4j's bulk importer
 * ({@code neo4j-admin database import full}), then creates its schema.
 *
 * <p>Usage: {@code Neo4jBulkImport --home DIR --database NAME --check CYPHER [--finish CYPHER]...
 * [--param NAME=INTEGER]... -- IMPORTER-ARGS...}. Steps, each stopping everything when it fails:
 *
 * <ol>
 *   <li>open the DBMS in {@code --home} (no connectors) and run {@code --check}, which returns
 *       one row {@code nodes} (the count of data nodes) and {@code version} (the graph version
 *       kept there); refuse when {@code nodes > 0}. A running server holds the store lock, so this
 *       step also refuses while the server runs;
 *   <li>run the importer on the database with {@code --overwrite-destination} and the arguments
 *       after {@code --} (the node and relationship files);
 *   <li>open the DBMS again and run every {@code --finish} statement with the {@code --param}s and
 *       {@code $version} = the version found in step 1 plus one (the last one waits for the indexes).
 * </ol>
 *
 * <p>Exit codes: 0 done ({@code version N} on stdout), 3 the database holds data, 4 the store
 * is in use (a server is running on it), 5 the importer failed (its report on stderr), 1 other.
 * Graphsvc builds the statements and files (graphsvc/stores/neo4j_bulk.py); this class only runs
 * them, so the Cypher lives in one place.
 */
public final class Neo4jBulkImport {
    private Neo4jBulkImport() {}

    static final int NOT_EMPTY = 3;
    static final int IN_USE = 4;
    static final int IMPORT_FAILED = 5;

    private static DatabaseManagementService open(Path home, String database) {
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, false)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.initial_default_database, database)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(
                        Long.parseLong(System.getenv().getOrDefault("NEO4J_PAGECACHE_MB", "512"))))
                .build();
    }

    /** True when the failure is the store lock that a running server holds. */
    private static boolean lockedOut(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            String name = cause.getClass().getSimpleName();
            String message = String.valueOf(cause.getMessage()).toLowerCase();
            if (name.contains("FileLock") || name.contains("StoreLocker")
                    || message.contains("lock") && message.contains("store")) {
                return true;
            }
        }
        return false;
    }

    public static void main(String[] args) throws Exception {
        Path home = null;
        String database = "neo4j";
        String check = null;
        List<String> finish = new ArrayList<>();
        List<String> importer = new ArrayList<>();
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]).toAbsolutePath();
                case "--database" -> database = args[++i];
                case "--check" -> check = args[++i];
                case "--finish" -> finish.add(args[++i]);
                case "--param" -> {
                    String[] pair = args[++i].split("=", 2);
                    params.put(pair[0], Long.parseLong(pair[1]));
                }
                case "--" -> {
                    importer.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> {
                    System.err.println("unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (home == null || check == null) {
            System.err.println("usage: Neo4jBulkImport --home DIR [--database NAME] --check CYPHER "
                    + "[--finish CYPHER]... -- IMPORTER-ARGS...");
            System.exit(2);
        }
        Files.createDirectories(home);

        // 1. Is the database empty, and which graph version does it keep?
        long version;
        DatabaseManagementService dbms;
        try {
            dbms = open(home, database);
        } catch (RuntimeException error) {
            if (lockedOut(error)) {
                System.err.println("store in use: " + error.getMessage());
                System.exit(IN_USE);
            }
            throw error;
        }
        try {
            GraphDatabaseService db = dbms.database(database);
            Map<String, Object> row = db.executeTransactionally(check, Map.of(), Result::next);
            long nodes = ((Number) row.get("nodes")).longValue();
            version = ((Number) row.get("version")).longValue();
            if (nodes > 0) {
                System.out.println("nodes " + nodes);
                dbms.shutdown();
                System.exit(NOT_EMPTY);
            }
        } finally {
            dbms.shutdown();
        }

        // 2. The importer, in this JVM: neo4j-admin database import full.
        List<String> command = new ArrayList<>(List.of(
                "database", "import", "full", database, "--overwrite-destination=true"));
        command.addAll(importer);
        int status = AdminTool.execute(
                new ExecutionContext(home, home.resolve("conf")), command.toArray(String[]::new));
        if (status != 0) {
            System.exit(IMPORT_FAILED);
        }

        // 3. Schema and graph version, as the transactional path keeps them.
        dbms = open(home, database);
        try {
            GraphDatabaseService db = dbms.database(database);
            params.put("version", version + 1);
            for (String statement : finish) {
                db.executeTransactionally(statement, params);
            }
        } finally {
            dbms.shutdown();
        }
        System.out.println("version " + (version + 1));
        System.exit(0);
    }
}
