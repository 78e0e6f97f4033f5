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
 * ({@code neo4j-admin database import full}), in one JVM.
 *
 * <p>Usage: {@code Neo4jBulkImport --home DIR --database NAME --check CYPHER [--finish CYPHER]...
 * [--param NAME=INTEGER]... [--meta FILE] -- IMPORTER-ARGS...}. Steps, each stopping everything
 * when it fails:
 *
 * <ol>
 *   <li>open the DBMS in {@code --home} (no connectors) and run {@code --check}, which returns
 *       one row {@code nodes} (the count of data nodes) and {@code version} (the graph version
 *       kept there); refuse when {@code nodes > 0}. A running server holds the store lock, so this
 *       step also refuses while the server runs. A database never created is empty at version 0;
 *   <li>write the version plus one into the {@code --meta} file (its {@code {VERSION}}), the
 *       importer's file of graphsvc's graph-version node;
 *   <li>run the importer on the database with {@code --overwrite-destination} and the arguments
 *       after {@code --} (the node and relationship files);
 *   <li>if {@code --finish} statements are given, open the DBMS again and run each with the
 *       {@code --param}s and {@code $version} = the version found in step 1 plus one.
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

    /** The graph version kept in an existing database; exits when it holds data or is in use. */
    private static long check(Path home, String database, String check) {
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
            if (nodes > 0) {
                System.out.println("nodes " + nodes);
                dbms.shutdown();
                System.exit(NOT_EMPTY);
            }
            return ((Number) row.get("version")).longValue();
        } finally {
            dbms.shutdown();
        }
    }

    public static void main(String[] args) throws Exception {
        Path home = null;
        String database = "neo4j";
        String check = null;
        Path meta = null;
        List<String> finish = new ArrayList<>();
        List<String> importer = new ArrayList<>();
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]).toAbsolutePath();
                case "--database" -> database = args[++i];
                case "--check" -> check = args[++i];
                case "--finish" -> finish.add(args[++i]);
                case "--meta" -> meta = Path.of(args[++i]);
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
        long started = System.nanoTime();

        // 1. Is the database empty, and which graph version does it keep? A database never
        // created (no store folder) is empty at version 0: no need to start a DBMS to see that.
        // --meta names the importer's file of the graph-version node; its {VERSION} becomes
        // that version plus one.
        long version = 0;
        if (Files.exists(home.resolve("data").resolve("databases").resolve(database))) {
            version = check(home, database, check);
        }
        if (meta != null) {
            // The graph-version node travels with the import: its file holds {VERSION}.
            String text = Files.readString(meta);
            Files.writeString(meta, text.replace("{VERSION}", Long.toString(version + 1)));
        }
        long checked = System.nanoTime();
        // 2. The importer, in this JVM: neo4j-admin database import full.
        List<String> command = new ArrayList<>(List.of(
                "database", "import", "full", database, "--overwrite-destination=true"));
        command.addAll(importer);
        int status = AdminTool.execute(
                new ExecutionContext(home, home.resolve("conf")), command.toArray(String[]::new));
        if (status != 0) {
            System.exit(IMPORT_FAILED);
        }

        long imported = System.nanoTime();
        // 3. Statements to run on the imported database, if any (graphsvc itself creates its
        // constraints when it first connects, so it passes none: that saves starting a DBMS).
        if (!finish.isEmpty()) {
            DatabaseManagementService dbms = open(home, database);
            try {
                GraphDatabaseService db = dbms.database(database);
                params.put("version", version + 1);
                for (String statement : finish) {
                    db.executeTransactionally(statement, params);
                }
            } finally {
                dbms.shutdown();
            }
        }
        long finished = System.nanoTime();
        // Phase times (seconds) for the benchmark: check, import, schema.
        System.out.printf("phases %.3f %.3f %.3f%n", (checked - started) / 1e9,
                (imported - checked) / 1e9, (finished - imported) / 1e9);
        System.out.println("version " + (version + 1));
        System.exit(0);
    }
}
