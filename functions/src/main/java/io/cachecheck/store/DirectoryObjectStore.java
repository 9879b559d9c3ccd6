package io.cachecheck.store;

import io.cachecheck.error.CacheCheckException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** An {@link ObjectStore} in a local directory: key {@code runs/r1/x.json} is the file {@code <root>/runs/r1/x.json}. */
public final class DirectoryObjectStore implements ObjectStore {
    private final Path root;

    public DirectoryObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void put(String key, byte[] content, String contentType) {
        Path file = resolve(key);
        try {
            Files.createDirectories(file.getParent());
            // Write then move, so a reader never sees half a file.
            Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".part");
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CacheCheckException("cannot write " + file + " (" + e.getClass().getSimpleName()
                    + "); check that the output directory is writable", e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CacheCheckException("cannot read " + resolve(key) + " (" + e.getClass().getSimpleName()
                    + "); check that the output directory (--out) and its files are readable", e);
        }
    }

    @Override
    public String location(String key) {
        return resolve(key).toString();
    }

    @Override
    public List<Listed> list(String prefix, int maxKeys) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        // keys are '/'-separated relative paths, whatever the platform's separator
        try (Stream<Path> files = Files.walk(root)) {
            List<Listed> out = new ArrayList<>();
            files.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                    .filter(k -> k.startsWith(prefix) && !k.contains("/.tmp-"))
                    .sorted().limit(maxKeys)
                    .forEach(k -> out.add(new Listed(k, lastModified(resolve(k)), size(resolve(k)))));
            return out;
        } catch (IOException e) {
            throw new CacheCheckException("cannot list " + root + " (" + e.getClass().getSimpleName()
                    + "); check that the output directory (--out) is readable", e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static java.time.Instant lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return java.time.Instant.EPOCH;
        }
    }

    private Path resolve(String key) {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("object key '" + key + "' leaves the store directory");
        }
        return file;
    }
}
