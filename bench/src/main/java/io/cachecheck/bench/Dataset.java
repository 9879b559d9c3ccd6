package io.cachecheck.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * The shape of a benchmark dataset and the deterministic content of every key in it.
 *
 * <p>Keys are spread over tenants by a Zipf law (tenant of rank r gets a share proportional to 1/r^skew), so a few
 * tenants are big and most are small. Every record is derived from (seed, tenant, id) alone, which lets the
 * PostgreSQL writer and the Redis writer run on separate threads and still agree, and lets the naive checker and
 * tests recompute any record.
 *
 * @param tenants    number of active tenants
 * @param keys       total number of cached keys (both namespaces)
 * @param skew       Zipf exponent; 0 = every tenant the same size
 * @param valueBytes approximate size of a cached value
 * @param drift      fraction of keys that disagree with the database (70% stale, 30% orphan)
 * @param hashShare  fraction of keys in the hash namespace; the rest are JSON strings
 * @param seed       random seed
 * @param coverage   share of the database's rows that are cached (0 < coverage <= 1): the database holds
 *                   {@code 1 / coverage} times as many rows as the cache holds keys, and the cached ones are a random
 *                   subset of each tenant's rows, so the cached ids are sparse in the key order when coverage is low
 */
public record Dataset(int tenants, long keys, double skew, int valueBytes, double drift, double hashShare, long seed,
                      double coverage) {
    public Dataset {
        if (!(coverage > 0 && coverage <= 1)) {
            throw new IllegalArgumentException("--coverage " + coverage + " is out of range; give the share of the rows that are"
                    + " cached, above 0 and at most 1 (0.1: the database holds 10 times the cached rows)");
        }
    }

    public Dataset(int tenants, long keys, double skew, int valueBytes, double drift, double hashShare, long seed) {
        this(tenants, keys, skew, valueBytes, drift, hashShare, seed, 1.0);
    }

    /** The PostgreSQL schema; -Dcachecheck.bench.schema=... gives a run its own (e.g. while others benchmark). */
    static final String SCHEMA = System.getProperty("cachecheck.bench.schema", "cachecheck_bench");
    static final int REDIS_DB = 15;
    private static final String[] STATUS = {"new", "paid", "packed", "shipped", "delivered", "returned"};
    private static final String[] PLANS = {"free", "team", "business", "enterprise"};
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};
    private static final long BASE_MICROS = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;

    public static Dataset defaults() {
        return new Dataset(287, 1_000_000, 1.0, 200, 0.001, 0.3, 42, 1.0);
    }

    /** Tenant id of rank r (1-based): fixed width so keys have realistic, equal-length prefixes. */
    static String tenantId(int rank) {
        return String.format("tn%05d", rank);
    }

    /**
     * Records (database rows, orphans included) per tenant, largest first: {@link #keysPerTenant()} scaled by
     * {@code 1 / coverage}. With coverage 1 they are the same.
     */
    long[] recordsPerTenant() {
        long[] keysPer = keysPerTenant();
        if (coverage == 1.0) {
            return keysPer;
        }
        long[] out = new long[keysPer.length];
        for (int r = 0; r < out.length; r++) {
            out[r] = Math.max(1, Math.round(keysPer[r] / coverage));
        }
        return out;
    }

    /** Keys per tenant, largest first; sums to exactly {@link #keys()}, every tenant has at least one key. */
    long[] keysPerTenant() {
        double[] w = new double[tenants];
        double sum = 0;
        for (int r = 0; r < tenants; r++) {
            w[r] = 1.0 / Math.pow(r + 1, skew);
            sum += w[r];
        }
        long[] out = new long[tenants];
        long assigned = 0;
        for (int r = 0; r < tenants; r++) {
            out[r] = Math.max(1, (long) Math.floor(keys * w[r] / sum));
            assigned += out[r];
        }
        // hand the rounding remainder to the biggest tenant (or take the excess from it)
        out[0] += keys - assigned;
        if (out[0] < 1) {
            throw new IllegalArgumentException("--keys " + keys + " is too small for --tenants " + tenants + "; use at least one key per tenant");
        }
        return out;
    }

    /** What the generator does to one key. */
    enum Kind { CONSISTENT, STALE, ORPHAN }

    /** One generated record: its namespace, key, and the values on both sides. */
    static final class Record {
        boolean hash;
        /** Whether the record is in the cache; false only below coverage 1 (a database row that is not cached). */
        boolean cached;
        String tenant;
        long id;
        Kind kind;
        // order (json) columns
        String status;
        String cacheStatus;
        String total;
        String currency;
        String customer;
        String note;
        long updatedMicros;
        // user (hash) columns
        String email;
        String name;
        String plan;
        String cachePlan;
        boolean active;
        int credits;
        String bio;

        byte[] key() {
            return (hash ? "t:" + tenant + ":user:" + id : "t:" + tenant + ":order:" + id).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * Fills {@code r} with record number {@code index} of the tenant of rank {@code rank}. Ids are 1..n within each
     * tenant (shared by both namespaces); the namespace of a record is fixed by its index, and so is whether it is
     * cached (below coverage 1).
     */
    void record(int rank, long index, Record r) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + rank * 1_000_003L + index);
        r.tenant = tenantId(rank);
        r.hash = rnd.nextDouble() < hashShare;
        r.id = index + 1;
        double d = rnd.nextDouble();
        // a separate stream, so that coverage 1 gives exactly the data of earlier rounds
        r.cached = coverage == 1.0 || new SplittableRandom(~(seed * 31 + rank) * 0x9E3779B97F4A7C15L + index).nextDouble() < coverage;
        r.kind = !r.cached || d >= drift ? Kind.CONSISTENT : d < drift * 0.7 ? Kind.STALE : Kind.ORPHAN;
        int pad = Math.max(8, valueBytes - 150);
        if (!r.hash) {
            r.status = STATUS[rnd.nextInt(STATUS.length)];
            r.cacheStatus = r.kind == Kind.STALE ? STATUS[(indexOf(STATUS, r.status) + 1) % STATUS.length] : r.status;
            r.total = (rnd.nextInt(1_000_000)) / 100 + "." + String.format("%02d", rnd.nextInt(100));
            r.currency = CURRENCIES[rnd.nextInt(CURRENCIES.length)];
            r.customer = "cust-" + String.format("%08d", rnd.nextInt(100_000_000));
            r.note = text(rnd, pad);
            r.updatedMicros = BASE_MICROS + rnd.nextLong(365L * 86_400 * 1_000_000);
        } else {
            r.email = "user" + r.id + "@" + r.tenant + ".example.com";
            r.name = text(rnd, 16);
            r.plan = PLANS[rnd.nextInt(PLANS.length)];
            r.cachePlan = r.kind == Kind.STALE ? PLANS[(indexOf(PLANS, r.plan) + 1) % PLANS.length] : r.plan;
            r.active = rnd.nextBoolean();
            r.credits = rnd.nextInt(100_000);
            r.bio = text(rnd, Math.max(8, pad - 40));
        }
    }

    private static int indexOf(String[] values, String v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i].equals(v)) {
                return i;
            }
        }
        return 0;
    }

    private static final char[] LETTERS = "abcdefghijklmnopqrstuvwxyz".toCharArray();

    /** Word-like lower-case text of exactly {@code n} characters (no characters that need escaping anywhere). */
    private static String text(SplittableRandom rnd, int n) {
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            out[i] = i % 7 == 6 ? ' ' : LETTERS[rnd.nextInt(LETTERS.length)];
        }
        out[n - 1] = 'x';
        return new String(out);
    }

    /** The instant of epoch microseconds {@code micros}. */
    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /** ISO-8601 UTC timestamp with microseconds, as a cache writer would serialise it. */
    static String iso(long micros) {
        String s = instant(micros).toString();
        return s.indexOf('.') < 0 ? s.replace("Z", ".000000Z") : s;
    }
}
