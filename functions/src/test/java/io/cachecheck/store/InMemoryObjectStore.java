package io.cachecheck.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link ObjectStore} in a map, for unit tests. Copies bytes in and out so callers cannot change stored objects. */
public final class InMemoryObjectStore implements ObjectStore {
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public void put(String key, byte[] content, String contentType) {
        objects.put(key, content.clone());
    }

    @Override
    public Optional<byte[]> get(String key) {
        byte[] bytes = objects.get(key);
        return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
    }

    @Override
    public String location(String key) {
        return "memory:" + key;
    }
}
