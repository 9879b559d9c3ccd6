package io.cachecheck.check;

/** Receives scan progress; used by the CLI to draw progress on stderr. Called from the scanning thread. */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(long keysScanned, long keysEstimated);

    ProgressListener NONE = (scanned, estimated) -> { };
}
