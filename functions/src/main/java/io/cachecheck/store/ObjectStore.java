package io.cachecheck.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where shard results, audit logs and baselines are kept: an S3 bucket in AWS, a local directory for local runs.
 * Keys are relative paths such as {@code runs/<runId>/shards/shard-0.json}, {@code audit/<runId>.json} or
 * {@code baselines/latest.json}.
 */
public interface ObjectStore {
    /** Stores the bytes under the key, replacing any previous object. */
    void put(String key, byte[] content, String contentType);

    /** The object's bytes, or empty when there is none. */
    Optional<byte[]> get(String key);

    /** The S3 bucket behind the store, or empty for a local directory. */
    default Optional<String> bucket() {
        return Optional.empty();
    }

    /** A location a person can open: {@code s3://bucket/key} or a file path. */
    String location(String key);

    /**
     * A link for people to follow from a notification: by default {@link #location}. S3 gives the object's page in
     * the S3 console, because the bucket is private and a presigned URL would expire (docs/report.md).
     */
    default String link(String key) {
        return location(key);
    }

    /**
     * Objects whose key starts with {@code prefix}, at most {@code maxKeys} of them, in key order. A store that cannot
     * list returns an empty list; readers of listings (the report's score trend) then say so.
     */
    default List<Listed> list(String prefix, int maxKeys) {
        return List.of();
    }

    /** One listed object: its key, when it was last written, and its size in bytes. */
    record Listed(String key, Instant lastModified, long size) {
    }
}
