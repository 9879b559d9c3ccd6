package io.cachecheck.bench.jmh;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.check.CachedValueDecoder;
import io.cachecheck.check.Canonicalizer;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.KeyPattern;
import io.cachecheck.contract.Namespace;
import io.cachecheck.decode.Decoded;
import io.cachecheck.source.SourceRow;
import io.cachecheck.source.TemporalValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-key CPU costs of the engine's hot path, on values shaped like the generated dataset (~200-byte JSON and hash
 * values). Short runs on purpose (2-core machine): {@code java -jar bench/target/benchmarks.jar EngineBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class EngineBenchmarks {
    private static final Contract CONTRACT = ContractLoader.withEnvironment(k -> null).parse("""
            cache: {url: "redis://127.0.0.1:6379/15"}
            source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test"}
            tenants: {sql: "SELECT tenant_id FROM cachecheck_bench.tenants WHERE active"}
            namespaces:
              - name: order
                keyPattern: "t:{tenant_id}:order:{order_id}"
                valueType: json
                sql: "SELECT * FROM cachecheck_bench.orders WHERE tenant_id = :tenant_id AND order_id IN (:order_id)"
                fields: {status: status, total: total, currency: currency, customer: customer, note: note}
                ignore: [cached_at]
                version: {field: updatedAt, column: updated_at}
              - name: user
                keyPattern: "t:{tenant_id}:user:{user_id}"
                valueType: hash
                sql: "SELECT * FROM cachecheck_bench.users WHERE tenant_id = :tenant_id AND user_id IN (:user_id)"
                fields: {email: email, name: name, plan: plan, active: active, credits: credits, bio: bio}
            """);
    private static final Namespace ORDER = CONTRACT.namespace("order");
    private static final Namespace USER = CONTRACT.namespace("user");
    private static final String NOTE = "abcdef ghijklm nopqrst uvwxyza bcdefgh ijklmno x";

    private final KeyPattern orderPattern = ORDER.keyPattern();
    private final KeyPattern userPattern = USER.keyPattern();
    private final byte[] orderKey = "t:tn00042:order:123456".getBytes(StandardCharsets.US_ASCII);
    private final byte[] userKey = "t:tn00042:user:98765".getBytes(StandardCharsets.US_ASCII);

    private final CachedValue.Text json = new CachedValue.Text(("{\"status\":\"shipped\",\"total\":1234.05,\"currency\":\"EUR\","
            + "\"customer\":\"cust-00012345\",\"note\":\"" + NOTE + "\",\"updatedAt\":\"2026-03-01T10:00:00.123456Z\","
            + "\"cached_at\":1772359200128}").getBytes(StandardCharsets.UTF_8));
    private final SourceRow orderRow = new SourceRow(new HashMap<>(Map.of("order_id", new BigDecimal(123456), "status", "shipped",
            "total", new BigDecimal("1234.05"), "currency", "EUR", "customer", "cust-00012345", "note", NOTE,
            "updated_at", new TemporalValue(Instant.parse("2026-03-01T10:00:00.123456Z"), 6))));

    private final CachedValue.Hash hash;
    private final SourceRow userRow = new SourceRow(new HashMap<>(Map.of("user_id", new BigDecimal(98765),
            "email", "user98765@tn00042.example.com", "name", "abcdef ghijklm", "plan", "team", "active", Boolean.TRUE,
            "credits", new BigDecimal(4711), "bio", NOTE)));
    private final byte[] value200 = json.bytes();

    public EngineBenchmarks() {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        userRow.columns().forEach((k, v) -> {
            if (!k.equals("user_id")) {
                String text = v instanceof Boolean b ? (b ? "1" : "0") : v.toString();
                fields.put(k.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8));
            }
        });
        hash = new CachedValue.Hash(fields);
    }

    /** Routing one scanned key: the first namespace misses, the second matches (the validator tries them in order). */
    @Benchmark
    public String[] routeKey() {
        String[] v = orderPattern.match(userKey);
        return v != null ? v : userPattern.match(userKey);
    }

    @Benchmark
    public String[] matchKey() {
        return orderPattern.match(orderKey);
    }

    @Benchmark
    public Canonicalizer.Comparison canonicaliseJson() {
        return Canonicalizer.compare(ORDER, CachedValueDecoder.decode(ORDER, json, 1 << 20), orderRow);
    }

    @Benchmark
    public Canonicalizer.Comparison canonicaliseHash() {
        return Canonicalizer.compare(USER, CachedValueDecoder.decode(USER, hash, 1 << 20), userRow);
    }

    @Benchmark
    public Decoded decodeJson() {
        return CachedValueDecoder.decode(ORDER, json, 1 << 20);
    }

    @Benchmark
    public byte[] sha256Of200Bytes() {
        return Canonicalizer.sha256(value200);
    }
}
