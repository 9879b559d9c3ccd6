package io.cachecheck.local;

import io.cachecheck.check.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints a shard's scan progress on stderr at most once per interval: keys scanned, the DBSIZE estimate, rate and
 * ETA. Each shard scans its whole node, so the estimate is the node's DBSIZE.
 */
public final class ProgressPrinter implements ProgressListener {
    private final String shardId;
    private final PrintStream err;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long lastPrint = System.nanoTime();

    public ProgressPrinter(String shardId, PrintStream err, long intervalMillis) {
        this.shardId = shardId;
        this.err = err;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    @Override
    public void onProgress(long keysScanned, long keysEstimated) {
        long now = System.nanoTime();
        if (now - lastPrint < intervalNanos) {
            return;
        }
        lastPrint = now;
        err.println(line(keysScanned, keysEstimated, (now - start) / 1e9));
    }

    String line(long scanned, long estimated, double seconds) {
        double rate = seconds > 0 ? scanned / seconds : 0;
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "[%s] %,d keys scanned", shardId, scanned));
        if (estimated > 0) {
            out.append(String.format(Locale.ROOT, " of ~%,d (%d%%)", estimated, Math.min(100, 100 * scanned / estimated)));
        }
        out.append(String.format(Locale.ROOT, ", %,.0f keys/s", rate));
        if (estimated > scanned && rate > 0) {
            out.append(String.format(Locale.ROOT, ", ETA %ds", (long) Math.ceil((estimated - scanned) / rate)));
        }
        return out.toString();
    }
}
