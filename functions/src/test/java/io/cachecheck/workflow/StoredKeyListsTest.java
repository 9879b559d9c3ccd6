package io.cachecheck.workflow;

import io.cachecheck.check.NodeScanRecord;
import io.cachecheck.check.Skipped;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.store.DirectoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredKeyListsTest {
    private static final byte[] HMAC_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static List<byte[]> keys() {
        return List.of("shop:acme:customer:1".getBytes(StandardCharsets.UTF_8), new byte[]{0, (byte) 0xff, 10, 13},
                new byte[0], "shop:acme:customer:2".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void put_thenGet_returnsTheSameKeyBytes_inOrder_andTheRecordRoundTrips() {
        StoredKeyLists lists = new StoredKeyLists(new DirectoryObjectStore(dir), RunIds.keysPrefix("r1", "node-0"), Optional.empty());

        lists.put("shard-1", 0, keys());
        NodeScanRecord record = new NodeScanRecord("node-0", "127.0.0.1:6379", 4, 1, 2,
                List.of(new Skipped(null, null, "127.0.0.1:6379", 0, "deadline: scan of node stopped before the end")),
                Map.of("shard-1", 1), Map.of("shard-1", 4L), Instant.parse("2026-12-06T21:00:00Z"), 12);
        lists.putRecord(record);

        assertThat(lists.get("shard-1", 0)).get().asList().containsExactlyElementsOf(keys());
        assertThat(lists.get("shard-1", 1)).isEmpty();
        assertThat(lists.get("shard-2", 0)).isEmpty();
        assertThat(lists.record()).contains(record);
        assertThat(dir.resolve("runs/r1/keys/node-0/shard-1/0.keys.gz")).exists();
        assertThat(dir.resolve("runs/r1/keys/node-0/scan.json")).exists();
    }

    @Test
    void withRedaction_chunksAreSealed_keysAreNotReadable_andAChunkMovedToAnotherKeyDoesNotAuthenticate() throws Exception {
        DirectoryObjectStore store = new DirectoryObjectStore(dir);
        StoredKeyLists lists = new StoredKeyLists(store, RunIds.keysPrefix("r1", "node-0"), KeyRedactor.hmac(HMAC_KEY).sealer());

        lists.put("shard-1", 0, keys());
        lists.put("shard-2", 0, List.of("x".getBytes(StandardCharsets.UTF_8)));

        byte[] stored = Files.readAllBytes(dir.resolve("runs/r1/keys/node-0/shard-1/0.keys.gz"));
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("acme");
        assertThat(lists.get("shard-1", 0)).get().asList().containsExactlyElementsOf(keys());
        // the plain reader cannot read it, and a reader with another secret refuses it
        assertThatThrownBy(() -> new StoredKeyLists(store, RunIds.keysPrefix("r1", "node-0"), Optional.empty()).get("shard-1", 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is not a cachecheck key list");
        assertThatThrownBy(() -> new StoredKeyLists(store, RunIds.keysPrefix("r1", "node-0"),
                KeyRedactor.hmac("another-secret-of-32-bytes-long!".getBytes(StandardCharsets.US_ASCII)).sealer()).get("shard-1", 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not authenticate");
        // shard-2's chunk copied over shard-1's: bound to its own store key, it does not authenticate there
        Files.copy(dir.resolve("runs/r1/keys/node-0/shard-2/0.keys.gz"), dir.resolve("runs/r1/keys/node-0/shard-1/0.keys.gz"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> lists.get("shard-1", 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("does not authenticate");
    }

    @Test
    void decode_refusesWhatIsNotAKeyList_withOneLine() throws Exception {
        assertThatThrownBy(() -> StoredKeyLists.decode("plain".getBytes(StandardCharsets.US_ASCII), "f"))
                .isInstanceOf(InvalidInputException.class).hasMessage("key list f is not a cachecheck key list: it is not gzip"
                        + " (Not in GZIP format); run again");
        assertThatThrownBy(() -> StoredKeyLists.decode(gzip(0x43434b31, 5, 3), "f"))
                .hasMessage("key list f is not a cachecheck key list: it ends before its last key; run again");
        assertThatThrownBy(() -> StoredKeyLists.decode(gzip(0x43434b31, 2_000_000), "f"))
                .hasMessage("key list f is not a cachecheck key list: it claims 2000000 keys (at most 1000000); run again");
        assertThatThrownBy(() -> StoredKeyLists.decode(gzip(0x43434b31, 1, 1 << 21), "f"))
                .hasMessageStartingWith("key list f is not a cachecheck key list: key 0 has 2097152 bytes");
        assertThatThrownBy(() -> StoredKeyLists.decode(gzip(0x1234, 0), "f"))
                .hasMessage("key list f is not a cachecheck key list: it does not start with CCK1; run again");
        assertThat(StoredKeyLists.decode(StoredKeyLists.encode(List.of()), "f")).isEmpty();
    }

    private static byte[] gzip(int... ints) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            for (int i : ints) {
                out.writeInt(i);
            }
        }
        return bytes.toByteArray();
    }
}
