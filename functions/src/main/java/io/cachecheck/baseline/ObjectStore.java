package io.cachecheck.baseline;

import java.util.Optional;

/**
 * The little a baseline store needs from blob storage: read and write whole objects by key. The S3 and
 * local-directory stores of the workflow adapt to this; {@link #inMemory()} is for tests and one-off runs.
 */
public interface ObjectStore {
    /** The object's bytes, or empty when there is no object under that key. */
    Optional<byte[]> get(String key);

    /** Writes (or replaces) the object under that key. */
    void put(String key, byte[] bytes);

    /** A store held in memory: nothing survives the process. */
    static ObjectStore inMemory() {
        return new InMemoryObjectStore();
    }

    /** A store in a local directory: the key is the path below it. Writes are atomic (temporary file, then rename). */
    static ObjectStore directory(java.nio.file.Path root) {
        return new DirectoryObjectStore(root);
    }
}
