package io.cachecheck.check;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Contract;
import io.cachecheck.error.InvalidInputException;
import redis.clients.jedis.HostAndPort;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scan phase of one cache node shared by several work items (docs/scale.md, "One scan per key"): one SCAN pass
 * ({@link NodeScanner}: run_id checks, restarts from cursor 0, the deadline, the empty-keyspace guard), each key sent
 * to the work item whose tenant the key's namespace names ({@link KeyClaim}, the rule every item's
 * {@link KeyRouter} applies), and written to {@link KeyLists} in chunks. A key that no planned tenant claims (no
 * namespace, an inactive or out-of-scope tenant) goes to the node's catch-all item, the one that reports UNMAPPED
 * keys when the run does, so every key is delivered to exactly one item and each item gets exactly the keys its
 * own SCAN would have acted on.
 *
 * <p>Memory: at most {@code check.maxBufferedKeys} keys (and {@link #MAX_BUFFERED_BYTES}) wait for their chunk,
 * whatever the keyspace; past that the fullest lists are written early. Keys only, never values.
 */
public final class SharedScan {
    /** Keys per chunk at most: about 1 MB of keys of 50 bytes before gzip. */
    static final int CHUNK_KEYS = 20_000;
    /** Key bytes the lists may hold at once before the fullest are written (long keys). */
    static final long MAX_BUFFERED_BYTES = 64L << 20;

    private final Contract contract;
    private final RedisNodes redis;
    private final Clock clock;

    public SharedScan(Contract contract, RedisNodes redis) {
        this(contract, redis, Clock.systemUTC());
    }

    SharedScan(Contract contract, RedisNodes redis, Clock clock) {
        this.contract = contract;
        this.redis = redis;
        this.clock = clock;
    }

    /**
     * Scans one node and stores its keys per work item.
     *
     * @param scanId       the scan item's id
     * @param nodes        the node, {@code host:port}; empty = the cache's only node
     * @param itemOfTenant every tenant of the items sharing the node → the id of its item
     * @param catchAll     the item that gets the keys no tenant of {@code itemOfTenant} claims
     * @param options      the items' options: their share of the run's cache-read cap applies to this SCAN too
     * @param deadline     stop before this instant; what was not scanned is recorded as skipped
     */
    public NodeScanRecord scan(String scanId, List<String> nodes, Map<String, String> itemOfTenant, String catchAll,
                               ItemOptions options, KeyLists out, Instant deadline) {
        CheckSettings settings = contract.check();
        Deadline limit = new Deadline(deadline, clock);
        Instant startedAt = clock.instant();
        ShardWorkItem self = new ShardWorkItem(scanId, List.of(), nodes, false, null, List.of(), options);
        List<HostAndPort> scanned = node(self);
        ShardTally tally = new ShardTally(self, contract.namespaces(), settings, clock, 1);
        try (BatchTasks tasks = new BatchTasks(1)) {
            RunContext run = new RunContext(contract, self, limit, clock, tally, tasks);
            Lists lists = new Lists(out, settings.maxBufferedKeys());
            Router router = new Router(new KeyClaim(contract), itemOfTenant, catchAll, tally, lists);
            // every SCAN page counts against the cache-read cap, as in a work item (docs/scale.md, "Throttling")
            NodeScanner scanner = new NodeScanner(run, redis, scanned, router, lists::afterPage,
                    ReadThrottle.of(self.optionsOrNone(), limit), null, null);
            scanner.scanAll(-1, ProgressListener.NONE);
            lists.flushAll();
            ShardResult result = tally.result(startedAt, 0, 0);
            NodeScanRecord record = new NodeScanRecord(scanId, scanned.get(0).toString(), result.keysScanned(),
                    result.keysIgnored(), scanner.restarts(), result.skipped(), lists.chunks, lists.counts, startedAt,
                    Duration.between(startedAt, clock.instant()).toMillis());
            out.putRecord(record);
            return record;
        }
    }

    private List<HostAndPort> node(ShardWorkItem item) {
        if (item.nodes().isEmpty()) {
            if (redis.nodes().size() != 1) {
                throw new InvalidInputException("scan " + item.shardId() + ": nodes is empty but the cache has "
                        + redis.nodes().size() + " nodes; a scan item names its one node; re-run DiscoverShards");
            }
            return redis.nodes();
        }
        if (item.nodes().size() != 1) {
            throw new InvalidInputException("scan " + item.shardId() + ": nodes " + item.nodes()
                    + " names more than one node; a scan item scans one node; re-run DiscoverShards");
        }
        HostAndPort hp = HostAndPort.from(item.nodes().get(0));
        if (!redis.nodes().contains(hp)) {
            throw new InvalidInputException("scan " + item.shardId() + ": node " + hp + " is not a node of the cache "
                    + redis.nodes() + "; re-run DiscoverShards");
        }
        return List.of(hp);
    }

    /** Sends each key to its item's list. */
    private static final class Router implements KeyConsumer {
        private final KeyClaim claims;
        private final Map<String, String> itemOfTenant;
        private final String catchAll;
        private final ShardTally tally;
        private final Lists lists;

        Router(KeyClaim claims, Map<String, String> itemOfTenant, String catchAll, ShardTally tally, Lists lists) {
            this.claims = claims;
            this.itemOfTenant = itemOfTenant;
            this.catchAll = catchAll;
            this.tally = tally;
            this.lists = lists;
        }

        @Override
        public void route(byte[] key, int nodeIndex) {
            KeyClaim.Match match = claims.claim(key);
            String item = match == null ? null : itemOfTenant.get(match.tenant());
            if (item == null) {
                if (claims.isIgnored(key)) {
                    tally.ignored(); // for the empty-keyspace guard; the catch-all item counts it as its own SCAN would
                }
                item = catchAll;
            }
            lists.add(item, key);
        }
    }

    /** The per-item buffers, written in chunks. */
    private static final class Lists {
        private final KeyLists out;
        private final long maxKeys;
        private final Map<String, List<byte[]>> pending = new HashMap<>();
        final Map<String, Integer> chunks = new TreeMap<>();
        final Map<String, Long> counts = new TreeMap<>();
        private long bufferedKeys;
        private long bufferedBytes;

        Lists(KeyLists out, long maxKeys) {
            this.out = out;
            this.maxKeys = Math.max(CHUNK_KEYS, maxKeys);
        }

        void add(String item, byte[] key) {
            List<byte[]> list = pending.computeIfAbsent(item, i -> new ArrayList<>());
            list.add(key);
            bufferedKeys++;
            bufferedBytes += key.length;
            if (list.size() >= CHUNK_KEYS) {
                flush(item);
            }
        }

        /** After each SCAN page: past the memory cap, writes the fullest lists until half of it is free. */
        void afterPage() {
            if (bufferedKeys <= maxKeys && bufferedBytes <= MAX_BUFFERED_BYTES) {
                return;
            }
            while (bufferedKeys > maxKeys / 2 || bufferedBytes > MAX_BUFFERED_BYTES / 2) {
                String fullest = null;
                int size = 0;
                for (Map.Entry<String, List<byte[]>> e : pending.entrySet()) {
                    if (e.getValue().size() > size) {
                        fullest = e.getKey();
                        size = e.getValue().size();
                    }
                }
                if (fullest == null) {
                    return;
                }
                flush(fullest);
            }
        }

        void flushAll() {
            for (String item : new ArrayList<>(pending.keySet())) {
                flush(item);
            }
        }

        private void flush(String item) {
            List<byte[]> keys = pending.remove(item);
            if (keys == null || keys.isEmpty()) {
                return;
            }
            int chunk = chunks.getOrDefault(item, 0);
            out.put(item, chunk, keys);
            chunks.put(item, chunk + 1);
            counts.merge(item, (long) keys.size(), Long::sum);
            bufferedKeys -= keys.size();
            for (byte[] key : keys) {
                bufferedBytes -= key.length;
            }
        }
    }
}
