package io.cachecheck.bench;

import org.postgresql.PGConnection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor: what it costs on this machine only to move the bytes any validator must read, with no validation at
 * all. One thread SCANs the keyspace and reads every value (MGET for the JSON strings, pipelined HGETALL for the
 * hashes); a second thread reads every source row, either with {@code COPY ... TO STDOUT} into a sink
 * ({@code --source copy}, the cheapest read PostgreSQL offers) or with a plain ordered {@code SELECT} through pgjdbc
 * reading each cell as a string ({@code --source select}). Both run at once, as a validator would. Prints one line; {@code bash bench/floor.sh}
 * runs the variants with the servers' CPU.
 *
 * <p>Options: source (copy | select), redis (127.0.0.1:6379), jdbc (jdbc:postgresql://127.0.0.1:5432/test),
 * user (postgres), scanCount (1000), readers (0: the scanning thread reads the values itself), values (true; false =
 * SCAN only). {@code --source none} skips the source read, to price the cache side alone.
 */
public final class Floor {
    private static boolean values = true;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String source = args.text("source", "copy");
        HostAndPort node = HostAndPort.from(args.text("redis", "127.0.0.1:6379"));
        String jdbc = args.text("jdbc", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = args.text("user", "postgres");
        int scanCount = (int) args.number("scanCount", 1000);
        int readers = (int) args.number("readers", 0);
        values = !args.text("values", "true").equals("false");
        AtomicLong sourceBytes = new AtomicLong();
        long t0 = System.nanoTime();
        CompletableFuture<Long> rows = source.equals("none") ? CompletableFuture.completedFuture(0L)
                : CompletableFuture.supplyAsync(() -> readSource(source, jdbc, user, sourceBytes));
        long[] cache = readCache(node, scanCount, readers);
        long cacheNanos = System.nanoTime() - t0;
        long rowCount = rows.join();
        long wall = System.nanoTime() - t0;
        long cpu = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
        System.out.printf("floor source=%s readers=" + readers + " keys=%d cacheBytes=%d rows=%d sourceBytes=%d cacheSeconds=%.2f wallSeconds=%.2f"
                        + " jvmCpuSeconds=%.2f%n", source, cache[0], cache[1], rowCount, sourceBytes.get(), cacheNanos / 1e9,
                wall / 1e9, cpu / 1e9);
    }

    /**
     * SCAN on one connection; each page's values are read (MGET for the strings, pipelined HGETALL for the hashes) by
     * {@code readers} threads on their own connections, or by the scanning thread itself when readers is 0.
     * Returns {keys, value bytes}.
     */
    private static long[] readCache(HostAndPort node, int scanCount, int readers) throws Exception {
        AtomicLong keys = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        java.util.concurrent.BlockingQueue<List<byte[]>> pages = new java.util.concurrent.ArrayBlockingQueue<>(8);
        List<byte[]> end = new ArrayList<>();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            workers.add(CompletableFuture.runAsync(() -> {
                try (Jedis jedis = open(node)) {
                    for (List<byte[]> page = take(pages); page != end; page = take(pages)) {
                        bytes.addAndGet(readValues(jedis, page));
                    }
                    pages.put(end);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        try (Jedis jedis = open(node)) {
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            ScanParams params = new ScanParams().count(scanCount);
            do {
                ScanResult<byte[]> page = jedis.scan(cursor, params);
                keys.addAndGet(page.getResult().size());
                if (!values) {
                    // SCAN only: the keyspace walk's own cost
                } else if (readers == 0) {
                    bytes.addAndGet(readValues(jedis, page.getResult()));
                } else {
                    pages.put(page.getResult());
                }
                cursor = page.getCursorAsBytes();
            } while (!(cursor.length == 1 && cursor[0] == '0'));
        }
        if (readers > 0) {
            pages.put(end);
            CompletableFuture.allOf(workers.toArray(new CompletableFuture[0])).join();
        }
        return new long[] {keys.get(), bytes.get()};
    }

    private static Jedis open(HostAndPort node) {
        return new Jedis(node, DefaultJedisClientConfig.builder().database(Dataset.REDIS_DB).build());
    }

    private static List<byte[]> take(java.util.concurrent.BlockingQueue<List<byte[]>> pages) throws InterruptedException {
        return pages.take();
    }

    private static long readValues(Jedis jedis, List<byte[]> page) {
        List<byte[]> strings = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        for (byte[] k : page) {
            (isUserKey(k) ? hashes : strings).add(k);
        }
        Pipeline p = jedis.pipelined();
        Response<List<byte[]>> values = strings.isEmpty() ? null : p.mget(strings.toArray(new byte[0][]));
        List<Response<Map<byte[], byte[]>>> maps = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            maps.add(p.hgetAll(h));
        }
        p.sync();
        long bytes = 0;
        if (values != null) {
            for (byte[] v : values.get()) {
                bytes += v == null ? 0 : v.length;
            }
        }
        for (Response<Map<byte[], byte[]>> m : maps) {
            for (Map.Entry<byte[], byte[]> e : m.get().entrySet()) {
                bytes += e.getKey().length + e.getValue().length;
            }
        }
        return bytes;
    }

    private static boolean isUserKey(byte[] k) {
        // t:<tenant>:user:<id> vs t:<tenant>:order:<id>: the byte after the second ':' tells them apart
        int colons = 0;
        for (byte b : k) {
            if (colons == 2) {
                return b == 'u';
            }
            if (b == ':') {
                colons++;
            }
        }
        return false;
    }

    private static long readSource(String mode, String jdbc, String user, AtomicLong bytes) {
        String[] tables = {"orders", "users"};
        long rows = 0;
        try (Connection c = DriverManager.getConnection(jdbc, user, "")) {
            for (String table : tables) {
                String query = "SELECT * FROM " + Dataset.SCHEMA + "." + table;
                if (mode.equals("copy")) {
                    OutputStream sink = new OutputStream() {
                        @Override public void write(int b) { bytes.incrementAndGet(); }
                        @Override public void write(byte[] b, int off, int len) { bytes.addAndGet(len); }
                    };
                    rows += c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + query + ") TO STDOUT", sink);
                } else {
                    c.setAutoCommit(false); // a cursor: fetchSize rows at a time, as a streaming read would
                    try (PreparedStatement ps = c.prepareStatement(query + " ORDER BY 1, 2")) {
                        ps.setFetchSize(5000);
                        try (ResultSet rs = ps.executeQuery()) {
                            int n = rs.getMetaData().getColumnCount();
                            while (rs.next()) {
                                for (int i = 1; i <= n; i++) {
                                    String s = rs.getString(i);
                                    bytes.addAndGet(s == null ? 0 : s.length());
                                }
                                rows++;
                            }
                        }
                    }
                    c.commit();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("source read failed: " + e, e);
        }
        return rows;
    }
}
