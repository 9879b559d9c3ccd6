package io.cachecheck.baseline;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link ObjectStore} in a map. Copies bytes in and out so callers cannot change stored objects. */
final class InMemoryObjectStore implements ObjectStore {
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public Optional<byte[]> get(String key) {
        byte[] bytes = objects.get(key);
        return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
    }

    @Override
    public void put(String key, byte[] bytes) {
        objects.put(key, bytes.clone());
    }
}
