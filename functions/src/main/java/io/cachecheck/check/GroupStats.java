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

    void record(Outcome o, byte[] key) {
        switch (o.driftClass) {
            case CONSISTENT -> consistent.incrementAndGet();
            case STALE -> stale.incrementAndGet();
            case ORPHAN -> orphan.incrementAndGet();
            case CORRUPT -> corrupt.incrementAndGet();
            case IN_FLIGHT -> inFlight.incrementAndGet();
            default -> throw new IllegalStateException("not a per-tenant class: " + o.driftClass);
        }
        if (o.cacheDigest != null) {
            byte[] cacheItem = SideDigest.item(key, o.cacheDigest);
            cacheSide.add(cacheItem);
            if (o.sourceDigest != null) {
                sourceSide.add(Arrays.equals(o.cacheDigest, o.sourceDigest) ? cacheItem : SideDigest.item(key, o.sourceDigest));
            }
        } else if (o.sourceDigest != null) {
            sourceSide.add(SideDigest.item(key, o.sourceDigest));
        }
    }

    TenantNamespaceResult result(String tenant, String namespace) {
        long checked = consistent.get() + stale.get() + orphan.get() + corrupt.get() + inFlight.get();
        long drifted = stale.get() + orphan.get() + corrupt.get();
        double score = checked == 0 ? 1.0 : 1.0 - (double) drifted / checked;
        return new TenantNamespaceResult(tenant, namespace, checked, consistent.get(), stale.get(), orphan.get(),
                corrupt.get(), inFlight.get(), expired.get(), score, cacheSide.hex(), sourceSide.hex(), !incomplete);
    }
}
