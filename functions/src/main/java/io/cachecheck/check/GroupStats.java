package io.cachecheck.check;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/** Thread-safe counters and side digests for one tenant and namespace. */
final class GroupStats {
    final AtomicLong consistent = new AtomicLong();
    final AtomicLong stale = new AtomicLong();
    final AtomicLong orphan = new AtomicLong();
    final AtomicLong corrupt = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong expired = new AtomicLong();
    final SideDigest cacheSide = new SideDigest();
    final SideDigest sourceSide = new SideDigest();
    volatile boolean incomplete;

    /** A key's items in the two side digests (SHA-256 each), computed before the tally's lock is taken. */
    record Items(byte[] cache, byte[] source) {
    }

    static Items items(Outcome o, byte[] key) {
        if (o.cacheDigest != null) {
            byte[] cacheItem = SideDigest.item(key, o.cacheDigest);
            byte[] sourceItem = o.sourceDigest == null ? null
                    : Arrays.equals(o.cacheDigest, o.sourceDigest) ? cacheItem : SideDigest.item(key, o.sourceDigest);
            return new Items(cacheItem, sourceItem);
        }
        return new Items(null, o.sourceDigest == null ? null : SideDigest.item(key, o.sourceDigest));
    }

    /** Counts a key in its class and adds it to the side digests. */
    void record(DriftClass c, Items items) {
        counter(c).incrementAndGet();
        add(items);
    }

    void add(Items items) {
        if (items.cache() != null) {
            cacheSide.add(items.cache());
        }
        if (items.source() != null) {
            sourceSide.add(items.source());
        }
    }

    void count(DriftClass c) {
        counter(c).incrementAndGet();
    }

    /** Takes back one count of a class, never below zero (only a fingerprint collision could ask for that). */
    void uncount(DriftClass c) {
        decrement(counter(c));
    }

    void uncountExpired() {
        decrement(expired);
    }

    static void decrement(AtomicLong counter) {
        counter.getAndUpdate(v -> v > 0 ? v - 1 : v);
    }

    private AtomicLong counter(DriftClass c) {
        return switch (c) {
            case CONSISTENT -> consistent;
            case STALE -> stale;
            case ORPHAN -> orphan;
            case CORRUPT -> corrupt;
            case IN_FLIGHT -> inFlight;
            default -> throw new IllegalStateException("not a per-tenant class: " + c);
        };
    }

    /** These figures, for a checkpoint; read when no batch is running. */
    Checkpoint.GroupFigures figures(Group group) {
        return new Checkpoint.GroupFigures(group.tenant(), group.namespace(), consistent.get(), stale.get(), orphan.get(),
                corrupt.get(), inFlight.get(), expired.get(), cacheSide.hex(), sourceSide.hex(), incomplete);
    }

    /** Sets these figures to a checkpoint's. */
    void restore(Checkpoint.GroupFigures f) {
        consistent.set(f.consistent());
        stale.set(f.stale());
        orphan.set(f.orphan());
        corrupt.set(f.corrupt());
        inFlight.set(f.inFlight());
        expired.set(f.expired());
        cacheSide.restore(f.cacheSide());
        sourceSide.restore(f.sourceSide());
        incomplete = f.incomplete();
    }

    TenantNamespaceResult result(String tenant, String namespace) {
        long checked = consistent.get() + stale.get() + orphan.get() + corrupt.get() + inFlight.get();
        long drifted = stale.get() + orphan.get() + corrupt.get();
        double score = checked == 0 ? 1.0 : 1.0 - (double) drifted / checked;
        return new TenantNamespaceResult(tenant, namespace, checked, consistent.get(), stale.get(), orphan.get(),
                corrupt.get(), inFlight.get(), expired.get(), score, cacheSide.hex(), sourceSide.hex(), !incomplete);
    }
}
