package io.cachecheck.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fills PostgreSQL schema {@code cachecheck_bench} (COPY) and Redis db 15 (pipelined writes) with a multi-tenant
 * dataset, and writes the matching contract to {@code <out>/contract.yaml}. Both sides are written concurrently.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.cachecheck.bench.Generate --keys 1000000 --tenants 287 --out bench/target/run
 * </pre>
 * Options (default): keys (1000000), tenants (287), skew (1.0, Zipf exponent), valueBytes (200), drift (0.001),
 * hashShare (0.3), seed (42), coverage (1.0: the share of the database's rows that are cached; 0.1 writes 10 times
 * as many rows as keys), format (json: how the order namespace's values are written; jdk = Spring Boot's default JDK
 * serialisation, jackson-typed = GenericJackson2JsonRedisSerializer with default typing and JavaTimeModule; the
 * contract declares the matching decode chain, and the drift is the same in every format), out (bench/target/run),
 * redis (127.0.0.1:6379), jdbc (jdbc:postgresql://127.0.0.1:5432/test), user (postgres), and contract tuning written
 * into the contract's check section: scanCount, batchSize, parallelism, graceMillis, maxBufferedKeys (engine defaults
 * when absent).
 */
public final class Generate {
    private static final int REDIS_BATCH = 10_000;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Dataset d = new Dataset((int) args.number("tenants", 287), args.number("keys", 1_000_000), args.decimal("skew", 1.0),
                (int) args.number("valueBytes", 200), args.decimal("drift", 0.001), args.decimal("hashShare", 0.3),
                args.number("seed", 42), args.decimal("coverage", 1.0));
        Path out = Path.of(args.text("out", "bench/target/run"));
        String jdbc = args.text("jdbc", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = args.text("user", "postgres");
        HostAndPort redis = HostAndPort.from(args.text("redis", "127.0.0.1:6379"));
        OrderFormat format = OrderFormat.parse(args.text("format", "json"));
        Files.createDirectories(out);

        long t0 = System.nanoTime();
        long[] perTenant = d.recordsPerTenant();
        try (Connection c = DriverManager.getConnection(jdbc, user, "")) {
            createSchema(c, d);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<long[]> pg = pool.submit(() -> writePostgres(d, perTenant, jdbc, user));
        Future<long[]> rd = pool.submit(() -> writeRedis(d, perTenant, redis, format));
        long[] rows = pg.get();
        long[] cached = rd.get();
        pool.shutdown();
        long t1 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbc, user, "")) {
            indexAndAnalyze(c);
        }
        long t2 = System.nanoTime();
        Files.writeString(out.resolve("contract.yaml"), contract(args, redis, jdbc, user, format));
        // kept for bench/run.sh --skip-generate: every run must end with exactly this drift
        Files.writeString(out.resolve("generated.txt"), String.format("stale=%d orphan=%d keys=%d coverage=%s format=%s%n",
                cached[2], cached[3], cached[0] + cached[1], d.coverage(), format.optionName()));
        System.out.printf("generated format=%s tenants=%d keys=%d (json=%d hash=%d) rows=%d coverage=%s stale=%d orphan=%d biggestTenant=%d smallestTenant=%d"
                        + " load=%.1fs index=%.1fs contract=%s%n",
                format.optionName(), d.tenants(), cached[0] + cached[1], cached[0], cached[1], rows[0], d.coverage(), cached[2], cached[3], perTenant[0],
                perTenant[perTenant.length - 1], (t1 - t0) / 1e9, (t2 - t1) / 1e9, out.resolve("contract.yaml"));
    }

    private static void createSchema(Connection c, Dataset d) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + Dataset.SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + Dataset.SCHEMA);
            s.execute("CREATE TABLE " + Dataset.SCHEMA + ".tenants (tenant_id text PRIMARY KEY, active boolean NOT NULL)");
            s.execute("CREATE TABLE " + Dataset.SCHEMA + ".orders (tenant_id text NOT NULL, order_id bigint NOT NULL, status text NOT NULL,"
                    + " total numeric(12,2) NOT NULL, currency char(3) NOT NULL, customer text NOT NULL, note text,"
                    + " updated_at timestamp NOT NULL)"); // timestamp, not timestamptz: see docs/performance.md, known issues
            s.execute("CREATE TABLE " + Dataset.SCHEMA + ".users (tenant_id text NOT NULL, user_id bigint NOT NULL, email text NOT NULL,"
                    + " name text NOT NULL, plan text NOT NULL, active boolean NOT NULL, credits integer NOT NULL, bio text)");
            StringBuilder tenants = new StringBuilder("INSERT INTO " + Dataset.SCHEMA + ".tenants VALUES ");
            for (int r = 1; r <= d.tenants(); r++) {
                tenants.append(r == 1 ? "" : ",").append("('").append(Dataset.tenantId(r)).append("', true)");
            }
            // one inactive tenant with no keys: discovery must skip it
            tenants.append(",('").append("tn-retired").append("', false)");
            s.execute(tenants.toString());
        }
    }

    private static void indexAndAnalyze(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + Dataset.SCHEMA + ".orders ADD PRIMARY KEY (tenant_id, order_id)");
            s.execute("ALTER TABLE " + Dataset.SCHEMA + ".users ADD PRIMARY KEY (tenant_id, user_id)");
            s.execute("VACUUM ANALYZE " + Dataset.SCHEMA + ".orders");
            s.execute("VACUUM ANALYZE " + Dataset.SCHEMA + ".users");
        }
    }

    /** COPY both tables in text format; orphans (cache-only keys) get no row. Returns {rows}. */
    private static long[] writePostgres(Dataset d, long[] perTenant, String jdbc, String user) throws SQLException, IOException {
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbc, user, "")) {
            PGConnection pg = c.unwrap(PGConnection.class);
            long rows = 0;
            for (boolean hash : new boolean[] {false, true}) {
                String sql = hash
                        ? "COPY " + Dataset.SCHEMA + ".users (tenant_id, user_id, email, name, plan, active, credits, bio) FROM STDIN"
                        : "COPY " + Dataset.SCHEMA + ".orders (tenant_id, order_id, status, total, currency, customer, note, updated_at) FROM STDIN";
                CopyIn copy = pg.getCopyAPI().copyIn(sql);
                StringBuilder buf = new StringBuilder(1 << 17);
                Dataset.Record r = new Dataset.Record();
                for (int rank = 1; rank <= perTenant.length; rank++) {
                    for (long i = 0; i < perTenant[rank - 1]; i++) {
                        d.record(rank, i, r);
                        if (r.hash != hash || r.cached && r.kind == Dataset.Kind.ORPHAN) {
                            continue;
                        }
                        rows++;
                        if (hash) {
                            buf.append(r.tenant).append('\t').append(r.id).append('\t').append(r.email).append('\t').append(r.name)
                                    .append('\t').append(r.plan).append('\t').append(r.active ? 't' : 'f').append('\t')
                                    .append(r.credits).append('\t').append(r.bio).append('\n');
                        } else {
                            buf.append(r.tenant).append('\t').append(r.id).append('\t').append(r.status).append('\t').append(r.total)
                                    .append('\t').append(r.currency).append('\t').append(r.customer).append('\t').append(r.note)
                                    .append('\t').append(Dataset.iso(r.updatedMicros)).append('\n');
                        }
                        if (buf.length() > 1 << 16) {
                            byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
                            copy.writeToCopy(bytes, 0, bytes.length);
                            buf.setLength(0);
                        }
                    }
                }
                byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                copy.endCopy();
            }
            System.out.printf("postgres copy rows=%d seconds=%.1f%n", rows, (System.nanoTime() - start) / 1e9);
            return new long[] {rows};
        }
    }

    /** Pipelined SET (json) and HSET (hash) into db 15 after FLUSHDB. Returns {json, hash, stale, orphan}. */
    private static long[] writeRedis(Dataset d, long[] perTenant, HostAndPort node, OrderFormat format) {
        long json = 0;
        long hashes = 0;
        long stale = 0;
        long orphan = 0;
        long start = System.nanoTime();
        try (Jedis jedis = new Jedis(node, DefaultJedisClientConfig.builder().database(Dataset.REDIS_DB).socketTimeoutMillis(60_000).build())) {
            jedis.flushDB();
            Pipeline p = jedis.pipelined();
            int inBatch = 0;
            Dataset.Record r = new Dataset.Record();
            OrderFormat.Writer orders = format.writer();
            for (int rank = 1; rank <= perTenant.length; rank++) {
                for (long i = 0; i < perTenant[rank - 1]; i++) {
                    d.record(rank, i, r);
                    if (!r.cached) {
                        continue;
                    }
                    stale += r.kind == Dataset.Kind.STALE ? 1 : 0;
                    orphan += r.kind == Dataset.Kind.ORPHAN ? 1 : 0;
                    if (r.hash) {
                        hashes++;
                        p.hset(r.key(), Map.of(
                                b("email"), b(r.email), b("name"), b(r.name), b("plan"), b(r.cachePlan),
                                b("active"), b(r.active ? "1" : "0"), b("credits"), b(Integer.toString(r.credits)), b("bio"), b(r.bio)));
                    } else {
                        json++;
                        p.set(r.key(), orders.write(r));
                    }
                    if (++inBatch == REDIS_BATCH) {
                        p.sync();
                        inBatch = 0;
                    }
                }
            }
            p.sync();
        }
        System.out.printf("redis write keys=%d seconds=%.1f%n", json + hashes, (System.nanoTime() - start) / 1e9);
        return new long[] {json, hashes, stale, orphan};
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The contract for this dataset; check tuning options given on the command line are written through. */
    static String contract(Args args, HostAndPort redis, String jdbc, String user, OrderFormat format) {
        StringBuilder check = new StringBuilder();
        for (String option : List.of("scanCount", "batchSize", "parallelism", "graceMillis", "maxBufferedKeys")) {
            String v = args.text(option, null);
            if (v != null) {
                check.append("  ").append(option).append(": ").append(v).append('\n');
            }
        }
        String sourceUrl = jdbc.replace("jdbc:postgresql:", "jdbc:aws-wrapper:postgresql:");
        return "# Generated by io.cachecheck.bench.Generate for the benchmark dataset; do not edit.\n"
                + "version: 1\n"
                + "cache:\n  url: redis://" + redis.getHost() + ":" + redis.getPort() + "/" + Dataset.REDIS_DB + "\n"
                + "source:\n  url: " + sourceUrl + "\n  auth:\n    username: " + user + "\n"
                + "tenants:\n  sql: SELECT tenant_id FROM " + Dataset.SCHEMA + ".tenants WHERE active\n"
                + "  shardCount: " + args.number("shards", 1) + "\n"
                + (check.length() == 0 ? "" : "check:\n" + check)
                + "namespaces:\n"
                + "  - name: order\n"
                + "    keyPattern: \"t:{tenant_id}:order:{order_id}\"\n"
                + format.contractLines()
                + "    sql: SELECT order_id, status, total, currency, customer, note, updated_at FROM " + Dataset.SCHEMA
                + ".orders WHERE tenant_id = :tenant_id AND order_id IN (:order_id)\n"
                + "    fields: {status: status, total: total, currency: currency, customer: customer, note: note}\n"
                + "    ignore: [cached_at]\n"
                + "    version: {field: updatedAt, column: updated_at}\n"
                + "  - name: user\n"
                + "    keyPattern: \"t:{tenant_id}:user:{user_id}\"\n"
                + "    valueType: hash\n"
                + "    sql: SELECT user_id, email, name, plan, active, credits, bio FROM " + Dataset.SCHEMA
                + ".users WHERE tenant_id = :tenant_id AND user_id IN (:user_id)\n"
                + "    fields: {email: email, name: name, plan: plan, active: active, credits: credits, bio: bio}\n";
    }

    private Generate() {
    }
}
