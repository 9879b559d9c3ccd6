package io.cachecheck.decode;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Feeds a {@link TreeReader} every truncation and seeded random mutations of real values, and checks that each read
 * either gives a tree or refuses with a reason of its format: never another exception, never the reader's
 * internal-error reason, never more than a bounded time or allocation per value.
 */
public final class ReaderFuzz {
    /** Generous for a shared 2-core machine; a reader that is not linear takes seconds on these inputs. */
    public static final long MAX_NANOS_PER_VALUE = 2_000_000_000L;
    private static final byte[] INTERESTING = {0, (byte) 0xff, '9', ':', ';', '{', '}', '"', 'r', 'R', 'i', 's', 'a',
            'O', '(', '.', ')', ']', 'e', 'u', 'h', 'g', 'q', (byte) 0x80, (byte) 0x94, (byte) 0x95, (byte) 0x8c,
            (byte) 0x8a, (byte) 0x8b, 'J', 'X', 'c', 'R', 'b', '\n', '\\'};
    private static final String[] BIG_NUMBERS = {"2147483647", "2147483648", "99999999999", "9223372036854775808",
            "0", "-1", "65"};

    public record Report(int cases, int decoded, Map<String, Integer> reasons, long slowestNanos, long mostAllocated) {
        public String summary() {
            return cases + " cases, " + decoded + " decoded, " + reasons.size() + " distinct reasons, slowest "
                    + slowestNanos / 1000 + " us, most allocated " + mostAllocated / 1024 + " KiB";
        }
    }

    private final TreeReader reader;
    private final String reasonPrefix;
    private final String internalError;
    private int cases;
    private int decoded;
    private final Map<String, Integer> reasons = new TreeMap<>();
    private long slowest;
    private long mostAllocated;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public ReaderFuzz(TreeReader reader, String reasonPrefix, String internalError) {
        this.reader = reader;
        this.reasonPrefix = reasonPrefix;
        this.internalError = internalError;
    }

    /**
     * Every prefix of every seed. Prefixes of seeds not in {@code prefixMayDecode} (values whose prefix can itself be
     * a value, such as raw numbers) must all be refused.
     */
    public void truncations(Map<String, byte[]> seeds, Set<String> prefixMayDecode, ReadLimits limits) {
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            byte[] b = e.getValue();
            for (int n = 0; n < b.length; n++) {
                boolean ok = readOnce(Arrays.copyOf(b, n), limits, e.getKey() + " truncated to " + n);
                if (ok && !prefixMayDecode.contains(e.getKey())) {
                    throw new AssertionError(e.getKey() + " truncated to " + n + " bytes was read as a value");
                }
            }
        }
    }

    /** {@code perSeed} random mutations of each seed (one to four edits each), reproducible from {@code seed}. */
    public void mutations(Map<String, byte[]> seeds, long seed, int perSeed, ReadLimits limits) {
        Random random = new Random(seed);
        List<byte[]> all = new ArrayList<>(seeds.values());
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            for (int i = 0; i < perSeed; i++) {
                byte[] b = e.getValue();
                int edits = 1 + random.nextInt(4);
                for (int k = 0; k < edits; k++) {
                    b = mutate(b, random, all);
                }
                readOnce(b, limits, e.getKey() + " mutation " + i + " (seed " + seed + ")");
            }
        }
    }

    public Report report() {
        return new Report(cases, decoded, reasons, slowest, mostAllocated);
    }

    private boolean readOnce(byte[] bytes, ReadLimits limits, String what) {
        cases++;
        long allocatedBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        long start = System.nanoTime();
        boolean ok;
        try {
            reader.read(bytes, limits);
            decoded++;
            ok = true;
        } catch (UndecodableException e) {
            String reason = e.reason();
            if (reason == null || !(reason.startsWith(reasonPrefix) || reason.startsWith("too-large: "))) {
                throw new AssertionError(what + ": reason without the format's prefix: " + reason);
            }
            if (reason.equals(internalError)) {
                throw new AssertionError(what + ": the reader failed internally");
            }
            reasons.merge(reason.replaceAll("[0-9]+", "N"), 1, Integer::sum);
            ok = false;
        } catch (Throwable t) {
            throw new AssertionError(what + ": threw " + t, t);
        }
        long nanos = System.nanoTime() - start;
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - allocatedBefore;
        slowest = Math.max(slowest, nanos);
        mostAllocated = Math.max(mostAllocated, allocated);
        if (nanos > MAX_NANOS_PER_VALUE) {
            throw new AssertionError(what + ": took " + nanos / 1_000_000 + " ms");
        }
        long allowed = (16L << 20) + 400L * bytes.length + 2000L * Math.min(limits.maxNodes(), 1_000_000);
        if (allocated > allowed) {
            throw new AssertionError(what + ": allocated " + allocated + " bytes for " + bytes.length);
        }
        return ok;
    }

    private static byte[] mutate(byte[] b, Random r, List<byte[]> all) {
        if (b.length == 0) {
            return new byte[] {INTERESTING[r.nextInt(INTERESTING.length)]};
        }
        int at = r.nextInt(b.length);
        switch (r.nextInt(7)) {
            case 0 -> {
                byte[] c = b.clone();
                c[at] = (byte) r.nextInt(256);
                return c;
            }
            case 1 -> {
                byte[] c = b.clone();
                c[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                return c;
            }
            case 2 -> {
                byte[] ins = new byte[1 + r.nextInt(4)];
                r.nextBytes(ins);
                return splice(b, at, at, ins);
            }
            case 3 -> {
                return splice(b, at, Math.min(b.length, at + 1 + r.nextInt(8)), new byte[0]);
            }
            case 4 -> {
                int end = Math.min(b.length, at + 1 + r.nextInt(32));
                return splice(b, r.nextInt(b.length + 1), -1, Arrays.copyOfRange(b, at, end));
            }
            case 5 -> {
                int start = at;
                while (start < b.length && (b[start] < '0' || b[start] > '9')) {
                    start++;
                }
                int end = start;
                while (end < b.length && b[end] >= '0' && b[end] <= '9') {
                    end++;
                }
                byte[] number = BIG_NUMBERS[r.nextInt(BIG_NUMBERS.length)].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                return splice(b, start, end, number);
            }
            default -> {
                byte[] other = all.get(r.nextInt(all.size()));
                int cut = r.nextInt(other.length + 1);
                return splice(Arrays.copyOf(b, at), at, at, Arrays.copyOfRange(other, cut, other.length));
            }
        }
    }

    /** b with [from, to) replaced by ins; to == -1 inserts at from. */
    private static byte[] splice(byte[] b, int from, int to, byte[] ins) {
        int end = to < 0 ? from : to;
        byte[] c = new byte[from + ins.length + (b.length - end)];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(ins, 0, c, from, ins.length);
        System.arraycopy(b, end, c, from + ins.length, b.length - end);
        return c;
    }
}
