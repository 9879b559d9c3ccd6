package io.cachecheck.store;

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
}
