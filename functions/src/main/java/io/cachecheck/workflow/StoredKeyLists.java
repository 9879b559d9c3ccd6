package io.cachecheck.workflow;

import io.cachecheck.check.KeyLists;
import io.cachecheck.check.NodeScanRecord;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.redact.KeySealer;
import io.cachecheck.store.ObjectStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The scan phase's key lists of one node in the run's store, under {@code runs/<runId>/keys/<scanId>/}:
 * {@code <shardId>/<n>.keys.gz} per chunk and {@code scan.json} for the record. A chunk is gzip of
 * {@code "CCK1"}, the key count and each key as its length and bytes (big-endian ints); with key redaction on it is
 * then sealed with AES-256-GCM ({@link KeySealer#sealBytes}) bound to its store key. Keys only, never values.
 *
 * <p>Reading a chunk is bounded: at most {@link #MAX_KEYS} keys, each at most {@link #MAX_KEY_BYTES}, and at most
 * {@link #MAX_CHUNK_BYTES} decompressed; anything else is refused with a one-line error.
 */
final class StoredKeyLists implements KeyLists {
    private static final int MAGIC = 0x43434b31; // "CCK1"
    static final int MAX_KEYS = 1_000_000;
    static final int MAX_KEY_BYTES = 1 << 20;
    static final long MAX_CHUNK_BYTES = 256L << 20;

    private final ObjectStore store;
    private final String prefix;
    private final Optional<KeySealer> sealer;
    /** Read once: it is written once, after the chunks. */
    private Optional<NodeScanRecord> record;

    /** @param prefix {@link RunIds#keysPrefix} of the scan item */
    StoredKeyLists(ObjectStore store, String prefix, Optional<KeySealer> sealer) {
        this.store = store;
        this.prefix = prefix;
        this.sealer = sealer;
    }

    String chunkKey(String shardId, int chunk) {
        return prefix + "/" + shardId + "/" + chunk + ".keys.gz";
    }

    String recordKey() {
        return prefix + "/scan.json";
    }

    @Override
    public void put(String shardId, int chunk, List<byte[]> keys) {
        String key = chunkKey(shardId, chunk);
        byte[] bytes = encode(keys);
        if (sealer.isPresent()) {
            bytes = sealer.get().sealBytes(bytes, key);
        }
        store.put(key, bytes, "application/octet-stream");
    }

    @Override
    public Optional<List<byte[]>> get(String shardId, int chunk) {
        String key = chunkKey(shardId, chunk);
        Optional<byte[]> stored = store.get(key);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = stored.get();
        if (sealer.isPresent()) {
            bytes = sealer.get().unsealBytes(bytes, key).orElseThrow(() -> new InvalidInputException("key list "
                    + store.location(key) + " does not authenticate (sealed under another key-redaction secret, or"
                    + " changed); run again with the same CACHECHECK_KEY_HMAC_SECRET_ARN for the whole run"));
        }
        return Optional.of(decode(bytes, store.location(key)));
    }

    @Override
    public void putRecord(NodeScanRecord record) {
        store.put(recordKey(), Json.bytes(record), "application/json");
    }

    @Override
    public Optional<NodeScanRecord> record() {
        if (record == null) {
            record = readRecord();
        }
        return record;
    }

    private Optional<NodeScanRecord> readRecord() {
        return store.get(recordKey()).map(bytes -> {
            try {
                return Json.MAPPER.readValue(bytes, NodeScanRecord.class);
            } catch (IOException e) {
                throw new InvalidInputException("scan record " + store.location(recordKey()) + " is not a scan record ("
                        + e.getMessage() + "); run again");
            }
        });
    }

    static byte[] encode(List<byte[]> keys) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes, 64 * 1024))) {
            out.writeInt(MAGIC);
            out.writeInt(keys.size());
            for (byte[] key : keys) {
                out.writeInt(key.length);
                out.write(key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<byte[]> decode(byte[] gz, String location) {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024))) {
            if (in.readInt() != MAGIC) {
                throw notAList(location, "it does not start with CCK1");
            }
            int count = in.readInt();
            if (count < 0 || count > MAX_KEYS) {
                throw notAList(location, "it claims " + count + " keys (at most " + MAX_KEYS + ")");
            }
            List<byte[]> keys = new ArrayList<>(Math.min(count, 1 << 16));
            long total = 0;
            for (int i = 0; i < count; i++) {
                int length = in.readInt();
                total += length;
                if (length < 0 || length > MAX_KEY_BYTES || total > MAX_CHUNK_BYTES) {
                    throw notAList(location, "key " + i + " has " + length + " bytes (at most " + MAX_KEY_BYTES
                            + " each, " + MAX_CHUNK_BYTES + " in all)");
                }
                byte[] key = new byte[length];
                in.readFully(key);
                keys.add(key);
            }
            if (in.read() != -1) {
                throw notAList(location, "it has bytes after its " + count + " keys");
            }
            return keys;
        } catch (EOFException e) {
            throw notAList(location, "it ends before its last key");
        } catch (IOException e) {
            throw notAList(location, "it is not gzip (" + e.getMessage() + ")");
        }
    }

    private static InvalidInputException notAList(String location, String why) {
        return new InvalidInputException("key list " + location + " is not a cachecheck key list: " + why + "; run again");
    }
}
