package io.cachecheck.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.postgresql.PGConnection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The naive approach the validator is compared with: SCAN every key, GET / HGETALL them one by one on one
 * connection (no pipelining), dump both tables with {@code COPY ... TO STDOUT} into a map, and compare field text.
 * Per-key reads are timed on the first {@code --sample} scanned keys and extrapolated to the whole keyspace; the
 * scan and the dump always run in full. Prints one {@code key=value} line.
 *
 * <p>Options: sample (50000), redis (127.0.0.1:6379), jdbc (jdbc:postgresql://127.0.0.1:5432/test), user (postgres).
 */
public final class NaiveCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int sample = (int) args.number("sample", 50_000);
        HostAndPort node = HostAndPort.from(args.text("redis", "127.0.0.1:6379"));
        long t0 = System.nanoTime();
        List<byte[]> keys = new ArrayList<>();
        long total = 0;
        try (Jedis jedis = new Jedis(node, DefaultJedisClientConfig.builder().database(Dataset.REDIS_DB).build())) {
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            ScanParams params = new ScanParams().count(1000);
            do {
                ScanResult<byte[]> page = jedis.scan(cursor, params);
                for (byte[] k : page.getResult()) {
                    if (keys.size() < sample) {
                        keys.add(k);
                    }
                    total++;
                }
                cursor = page.getCursorAsBytes();
            } while (!(cursor.length == 1 && cursor[0] == '0'));
            long t1 = System.nanoTime();
            Map<String, Object> values = new HashMap<>(keys.size() * 2);
            for (byte[] k : keys) {
                String key = new String(k, StandardCharsets.UTF_8);
                values.put(key, key.contains(":user:") ? jedis.hgetAll(key) : jedis.get(key));
            }
            long t2 = System.nanoTime();
            Map<String, String[]> rows = new HashMap<>();
            try (Connection c = DriverManager.getConnection(args.text("jdbc", "jdbc:postgresql://127.0.0.1:5432/test"), args.text("user", "postgres"), "")) {
                dump(c, "COPY " + Dataset.SCHEMA + ".orders (tenant_id, order_id, status, total, currency, customer, note) TO STDOUT", "order", rows);
                dump(c, "COPY " + Dataset.SCHEMA + ".users (tenant_id, user_id, email, name, plan, active, credits, bio) TO STDOUT", "user", rows);
            }
            long t3 = System.nanoTime();
            long differ = 0;
            for (Map.Entry<String, Object> e : values.entrySet()) {
                String[] parts = e.getKey().split(":");
                String[] row = rows.get(parts[1] + ":" + parts[2] + ":" + parts[3]);
                if (row == null || !same(parts[2], e.getValue(), row)) {
                    differ++;
                }
            }
            long t4 = System.nanoTime();
            double scan = (t1 - t0) / 1e9;
            double read = (t2 - t1) / 1e9;
            double dumpSeconds = (t3 - t2) / 1e9;
            double compare = (t4 - t3) / 1e9;
            double scale = (double) total / Math.max(1, keys.size());
            double extrapolated = scan + read * scale + dumpSeconds + compare * scale;
            System.out.printf("naive keys=%d sampled=%d scanSeconds=%.2f readSeconds=%.2f readPerSecond=%.0f dumpSeconds=%.2f rows=%d"
                            + " compareSeconds=%.2f differingInSample=%d extrapolatedSeconds=%.1f extrapolatedKeysPerSecond=%.0f%n",
                    total, keys.size(), scan, read, keys.size() / read, dumpSeconds, rows.size(), compare, differ, extrapolated,
                    total / extrapolated);
        }
    }

    private static void dump(Connection c, String sql, String ns, Map<String, String[]> rows) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                buf.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                // COPY hands over whole rows; split each chunk into lines as it comes
                buf.write(b, off, len);
                if (buf.size() > 1 << 20) {
                    drain(buf, ns, rows);
                }
            }
        };
        c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, sink);
        drain(buf, ns, rows);
    }

    private static void drain(ByteArrayOutputStream buf, String ns, Map<String, String[]> rows) {
        String text = buf.toString(StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1;
        for (String line : text.substring(0, end).split("\n")) {
            String[] f = line.split("\t");
            rows.put(f[0] + ":" + ns + ":" + f[1], f);
        }
        buf.reset();
        byte[] rest = text.substring(end).getBytes(StandardCharsets.UTF_8);
        buf.write(rest, 0, rest.length);
    }

    /** Field-by-field text comparison, the way a quick script would do it (numbers as printed by PostgreSQL). */
    @SuppressWarnings("unchecked")
    private static boolean same(String ns, Object cached, String[] row) throws Exception {
        if (cached == null) {
            return false;
        }
        if (ns.equals("user")) {
            Map<String, String> h = (Map<String, String>) cached;
            return row[2].equals(h.get("email")) && row[3].equals(h.get("name")) && row[4].equals(h.get("plan"))
                    && (row[5].equals("t") ? "1" : "0").equals(h.get("active")) && row[6].equals(h.get("credits"))
                    && row[7].equals(h.get("bio"));
        }
        JsonNode j = JSON.readTree((String) cached);
        return row[2].equals(j.path("status").asText()) && row[3].equals(j.path("total").decimalValue().setScale(2).toPlainString())
                && row[4].equals(j.path("currency").asText()) && row[5].equals(j.path("customer").asText())
                && row[6].equals(j.path("note").asText());
    }

    private NaiveCheck() {
    }
}
