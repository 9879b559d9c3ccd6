package io.cachecheck.check;

import java.time.Instant;
import java.util.List;

/** The classification of one key at one look. A null class means the key is gone (expired). */
final class Outcome {
    DriftClass driftClass;
    String reason;
    List<String> fields = List.of();
    byte[] cacheDigest;
    byte[] sourceDigest;
    byte[] valueDigest;
    boolean rowExists;
    String cacheVersion;
    String sourceVersion;
    int versionOrder;
    Instant sourceVersionInstant;

    Outcome as(DriftClass c, String why) {
        driftClass = c;
        reason = why;
        return this;
    }
}
