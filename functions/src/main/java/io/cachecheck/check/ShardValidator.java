package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.cache.NodeConnection;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.cache.UncoveredSlots;
import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.CacheCheckException;
import io.cachecheck.error.CacheUnavailableException;
import io.cachecheck.error.ContractException;
import io.cachecheck.error.SourceDeadlineException;
import io.cachecheck.error.SourceUnavailableException;
import io.cachecheck.source.JdbcSource;
import io.cachecheck.source.SourceRow;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks one {@link ShardWorkItem}: one SCAN pass per cache node, every key routed by pattern to its (tenant,
 * namespace), values read in pipelined batches and rows looked up in batches per tenant and namespace, both sides
 * canonicalised and compared by SHA-256 digest, and every difference re-read after the grace period before it counts.
 *
 * <p>Memory is bounded by {@code check.maxBufferedKeys} (keys waiting for a batch) plus the worker queue, not by the
 * keyspace. Anything that could not be checked is reported as {@link Skipped}, which makes the verdict INCOMPLETE:
 * the verdict is never CONSISTENT unless every key in scope was checked.
 */
public final class ShardValidator {
    private final Contract contract;
    private final RedisNodes redis;
    private final SecretResolver secrets;
    private final Clock clock;

    public ShardValidator(Contract contract, RedisNodes redis, SecretResolver secrets) {
        this(contract, redis, secrets, Clock.systemUTC());
    }

    ShardValidator(Contract contract, RedisNodes redis, SecretResolver secrets, Clock clock) {
        this.contract = contract;
        this.redis = redis;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Checks a work item.
     *
     * @param item          what to check
     * @param activeTenants every active tenant of the run (to tell an inactive tenant's keys from another shard's);
     *                      only used when the item reports unmapped keys
     * @param deadline      stop before this instant with an INCOMPLETE result; null = the contract's deadline, if any
     * @param progress      scan progress callback
     */
    public ShardResult validate(ShardWorkItem item, Set<String> activeTenants, Instant deadline, ProgressListener progress) {
        CheckSettings settings = contract.check();
        if (deadline == null && settings.deadlineSeconds() > 0) {
            deadline = clock.instant().plusSeconds(settings.deadlineSeconds());
        }
        try (Run run = new Run(item, activeTenants, deadline, progress == null ? ProgressListener.NONE : progress)) {
            return run.execute();
        }
    }

    private record GroupKey(String tenant, int namespace) {
    }

    /** A scanned key waiting for its batch. */
    private record Entry(byte[] key, String[] keyValues, int node) {
    }

    /** A key that differed at first look, waiting for the grace period to pass. */
    private record Suspect(Entry entry, GroupKey group, DriftClass firstClass, byte[] firstCacheDigest,
                           byte[] firstSourceDigest, boolean rowExisted, Instant observedAt) {
    }

    /** The per-thread connections of a worker: one source connection and one connection per cache node. */
    private final class Worker implements AutoCloseable {
        final JdbcSource source;
        final Map<Integer, NodeConnection> nodes = new HashMap<>();

        /** @param deadline the run's deadline, or null; each source query may only run until it */
        Worker(Instant deadline) {
            CheckSettings s = contract.check();
            source = new JdbcSource(contract.source(), secrets, s.maxRetries(), s.retryBackoffMillis(),
                    deadline == null ? null : () -> Duration.between(clock.instant(), deadline));
        }

        NodeConnection node(int index, List<HostAndPort> all) {
            CheckSettings s = contract.check();
            return nodes.computeIfAbsent(index, i -> new NodeConnection(redis, all.get(i), s.maxRetries(), s.retryBackoffMillis()));
        }

        @Override
        public void close() {
            source.close();
            nodes.values().forEach(NodeConnection::close);
        }
    }

    private final class Run implements AutoCloseable {
        final ShardWorkItem item;
        final Set<String> tenants;
        final Set<String> activeTenants;
        final Instant deadline;
        final ProgressListener progress;
        final CheckSettings settings = contract.check();
        final List<Namespace> namespaces = contract.namespaces();
        final int[] tenantIndex;
        /** Per namespace, {@link io.cachecheck.contract.KeyPattern#literalBytes()}: the most specific match wins. */
        final int[] literalBytes;
        final List<HostAndPort> nodes;
        final Instant startedAt = clock.instant();

        final Map<GroupKey, Stats> stats = new ConcurrentHashMap<>();
        final Map<GroupKey, List<Entry>> pending = new HashMap<>();
        final ArrayDeque<Suspect> suspects = new ArrayDeque<>();
        final List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong findingCount = new AtomicLong();
        final List<Skipped> skipped = new CopyOnWriteArrayList<>();
        final List<String> unmappedSample = new ArrayList<>();
        final AtomicLong unmapped = new AtomicLong();
        final AtomicLong expired = new AtomicLong();
        final List<Worker> workers = new CopyOnWriteArrayList<>();
        final ThreadLocal<Worker> worker;
        final ThreadPoolExecutor executor;
        final List<Future<?>> inFlightTasks = new ArrayList<>();
        volatile CacheCheckException fatal;
        final byte[][] ignoredPrefixes = contract.cache().ignoreKeyPrefixes().stream()
                .map(p -> p.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        /** A group under half a batch (250 keys by default) is small: it may share a lookup with others. */
        static final int SMALL_GROUP_DIVISOR = 2;

        /** Per namespace: whether small groups can share one lookup ({@link JdbcSource#canCombine}). */
        final boolean[] combinable;
        long ignored;
        long buffered;
        long scanned;
        long recheckWaitMillis;

        Run(ShardWorkItem item, Set<String> activeTenants, Instant deadline, ProgressListener progress) {
            this.item = item;
            this.tenants = new HashSet<>(item.tenants());
            this.activeTenants = activeTenants == null ? Set.of() : activeTenants;
            this.deadline = deadline;
            this.progress = progress;
            this.worker = ThreadLocal.withInitial(() -> {
                Worker w = new Worker(deadline);
                workers.add(w);
                return w;
            });
            this.tenantIndex = new int[namespaces.size()];
            this.literalBytes = new int[namespaces.size()];
            for (int n = 0; n < namespaces.size(); n++) {
                literalBytes[n] = namespaces.get(n).keyPattern().literalBytes();
                tenantIndex[n] = namespaces.get(n).keyPattern().placeholders().indexOf(contract.tenants().placeholder());
                for (String tenant : item.tenants()) {
                    stats.put(new GroupKey(tenant, n), new Stats());
                }
            }
            this.nodes = selectNodes(item);
            this.combinable = new boolean[namespaces.size()];
            for (int n = 0; n < namespaces.size(); n++) {
                // With few tenants, partial groups are few and sharing lookups measured 5-10% slower (more custom
                // planning of the combined statements); with thousands it is 25-40% faster (docs/performance.md).
                combinable[n] = item.tenants().size() >= settings.combineMinTenants()
                        && JdbcSource.canCombine(contract.source(), namespaces.get(n), contract.tenants().placeholder());
            }
            int threads = settings.parallelism();
            // A bounded queue with caller-runs: when workers fall behind, the scanner does a batch itself, which
            // keeps memory flat instead of queueing the keyspace.
            this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(threads * 2), r -> {
                        Thread t = new Thread(r, "cachecheck-worker");
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.CallerRunsPolicy());
        }

        private List<HostAndPort> selectNodes(ShardWorkItem item) {
            if (item.nodes().isEmpty()) {
                return redis.nodes();
            }
            List<HostAndPort> out = new ArrayList<>();
            for (String node : item.nodes()) {
                HostAndPort hp = HostAndPort.from(node);
                if (!redis.nodes().contains(hp)) {
                    throw new io.cachecheck.error.InvalidInputException("shard " + item.shardId() + ": node " + node
                            + " is not a node of the cache " + redis.nodes() + "; re-run DiscoverShards");
                }
                out.add(hp);
            }
            return out;
        }

        ShardResult execute() {
            for (UncoveredSlots slots : item.uncovered()) {
                skipScope(slots.node(), slots.skipReason());
            }
            long estimate = estimateKeys();
            Instant scanStart = clock.instant();
            boolean stopped = false;
            for (int n = 0; n < nodes.size() && !stopped; n++) {
                stopped = !scanNode(n, estimate);
            }
            flushAll();
            long scanMillis = Duration.between(scanStart, clock.instant()).toMillis();
            awaitTasks();
            recheckRemaining();
            awaitTasks();
            if (fatal != null) {
                throw fatal;
            }
            return result(scanMillis);
        }

        private long estimateKeys() {
            long total = 0;
            for (int n = 0; n < nodes.size(); n++) {
                try (NodeConnection c = new NodeConnection(redis, nodes.get(n), settings.maxRetries(), settings.retryBackoffMillis())) {
                    total += c.dbSize();
                } catch (CacheUnavailableException e) {
                    return -1; // the scan itself will report the node
                }
            }
            return total;
        }

        /** Scans one node; returns false when the run must stop (deadline or a fatal error). */
        private boolean scanNode(int nodeIndex, long estimate) {
            HostAndPort node = nodes.get(nodeIndex);
            boolean report = item.reportUnmapped();
            long scannedBefore = scanned;
            long ignoredBefore = ignored;
            try (NodeConnection connection = new NodeConnection(redis, node, settings.maxRetries(), settings.retryBackoffMillis())) {
                byte[] cursor = "0".getBytes(StandardCharsets.US_ASCII);
                do {
                    if (fatal != null) {
                        return false;
                    }
                    if (deadlinePassed()) {
                        skipScope(node.toString(), "deadline: scan of node stopped before the end");
                        return false;
                    }
                    ScanResult<byte[]> page;
                    try {
                        page = connection.scan(cursor, settings.scanCount());
                    } catch (CacheUnavailableException e) {
                        // in cluster mode, say which slots went unchecked and whether the cluster already flags the node
                        skipScope(node.toString(), "cache-unavailable: scan of node failed after retries (" + e.getMessage() + ")"
                                + redis.describe(node).map(what -> "; " + what + " not checked").orElse(""));
                        return true; // other nodes can still be checked
                    }
                    for (byte[] key : page.getResult()) {
                        route(key, nodeIndex, report);
                    }
                    scanned += page.getResult().size();
                    progress.onProgress(scanned, estimate);
                    if (buffered > settings.maxBufferedKeys()) {
                        flushLargest();
                    }
                    recheckDue(false);
                    cursor = page.getCursorAsBytes();
                } while (!(cursor.length == 1 && cursor[0] == '0'));
            }
            if (scanned - scannedBefore == ignored - ignoredBefore && !contract.cache().cluster()) {
                // A whole database without a single key (or only keys of ignoreKeyPrefixes) is far more often a wrong
                // database number or host in cache.url than an empty cache; "consistent" would turn that mistake
                // into a green gate.
                skipScope(node.toString(), "empty-keyspace: SCAN returned no key " + (scanned == scannedBefore ? "at all"
                        : "but ignored ones (" + (ignored - ignoredBefore) + ", cache.ignoreKeyPrefixes)")
                        + " in the database of cache.url; if the cache really holds no key of this contract there is"
                        + " nothing to check, otherwise check cache.url (host, port, database number)");
            }
            return true;
        }

        private void skipScope(String node, String reason) {
            if (item.tenants().isEmpty()) {
                skipped.add(new Skipped(null, null, node, 0, reason));
            }
            for (String tenant : item.tenants()) {
                skipped.add(new Skipped(tenant, null, node, 0, reason));
                for (int n = 0; n < namespaces.size(); n++) {
                    stats.get(new GroupKey(tenant, n)).incomplete = true;
                }
            }
        }

        /**
         * Sends a scanned key to its (tenant, namespace) group. {@code cache.ignoreKeyPrefixes} is consulted only for
         * keys that no namespace claims for a tenant of this item: an ignore prefix that overlaps a namespace
         * (e.g. "shop:" for "shop:{tenant}:product:{id}") must not hide a tenant's keys, or the run would call
         * unchecked keys consistent.
         */
        private void route(byte[] key, int nodeIndex, boolean report) {
            // The most specific matching namespace claims the key: a pattern's last placeholder takes the rest of
            // the key, so "p:{t}:product:{id}" also matches "p:t1:product:5:title", which belongs to
            // "p:{t}:product:{id}:title" wherever that namespace is listed.
            int best = -1;
            String[] bestValues = null;
            boolean ambiguous = false;
            for (int n = 0; n < namespaces.size(); n++) {
                String[] values = namespaces.get(n).keyPattern().match(key);
                if (values == null) {
                    continue;
                }
                if (best < 0 || literalBytes[n] > literalBytes[best]) {
                    best = n;
                    bestValues = values;
                    ambiguous = false;
                } else if (literalBytes[n] == literalBytes[best]) {
                    ambiguous = true;
                }
            }
            if (best >= 0) {
                int n = best;
                String[] values = bestValues;
                String tenant = values[tenantIndex[n]];
                if (ambiguous) {
                    // two namespaces claim it equally: comparing it with either could call it drift, or consistent, wrongly
                    if (isIgnored(key)) {
                        ignored++;
                    } else if (tenants.contains(tenant) || report && !activeTenants.contains(tenant)) {
                        unmapped(key, tenant, null, "ambiguous-namespace");
                    }
                    return;
                }
                if (!tenants.contains(tenant)) {
                    if (isIgnored(key)) {
                        ignored++;
                    } else if (report && !activeTenants.contains(tenant)) {
                        unmapped(key, tenant, null, "inactive-tenant");
                    }
                    return;
                }
                String[] keyValues = new String[values.length - 1];
                for (int v = 0, k = 0; v < values.length; v++) {
                    if (v != tenantIndex[n]) {
                        keyValues[k++] = values[v];
                    }
                }
                GroupKey group = new GroupKey(tenant, n);
                List<Entry> entries = pending.computeIfAbsent(group, g -> new ArrayList<>());
                entries.add(new Entry(key, keyValues, nodeIndex));
                buffered++;
                if (entries.size() >= settings.batchSize()) {
                    pending.remove(group);
                    buffered -= entries.size();
                    submit(() -> check(group, entries));
                }
                return;
            }
            if (isIgnored(key)) {
                ignored++;
            } else if (report) {
                unmapped(key, null, null, "no-namespace");
            }
        }

        private boolean isIgnored(byte[] key) {
            for (byte[] prefix : ignoredPrefixes) {
                if (startsWith(key, prefix)) {
                    return true;
                }
            }
            return false;
        }

        private void unmapped(byte[] key, String tenant, String namespace, String reason) {
            unmapped.incrementAndGet();
            String display = KeyText.display(key);
            synchronized (unmappedSample) {
                if (unmappedSample.size() < settings.unmappedSampleSize()) {
                    unmappedSample.add(display);
                }
            }
            addFinding(new Finding(tenant, namespace, display, DriftClass.UNMAPPED, reason, List.of(), null, null, null, null, null,
                    clock.instant()));
        }

        /**
         * Memory cap reached: sends the fullest groups until half the cap is free. Small groups stay and keep filling,
         * so a tenant with few keys is looked up in one query at the end instead of in a handful of tiny ones at
         * every overflow (with 10,000 tenants, flushing every group at each overflow made most queries a few keys
         * long, docs/performance.md).
         */
        private void flushLargest() {
            List<Map.Entry<GroupKey, List<Entry>>> groups = new ArrayList<>(pending.entrySet());
            groups.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
            long target = settings.maxBufferedKeys() / 2;
            List<Map.Entry<GroupKey, List<Entry>>> out = new ArrayList<>();
            for (Map.Entry<GroupKey, List<Entry>> e : groups) {
                if (buffered <= target) {
                    break;
                }
                pending.remove(e.getKey());
                buffered -= e.getValue().size();
                out.add(e);
            }
            send(out);
        }

        /**
         * Submits partial batches. On PostgreSQL, in a work item of at least {@code check.combineMinTenants}
         * tenants, groups under half a batch are combined per namespace (up to a
         * batch of keys, at most {@link JdbcSource#MAX_PARTS} groups): one cache read and one statement for all of
         * them, because with many small tenants the cost is per lookup, not per key (docs/performance.md).
         */
        private void send(List<Map.Entry<GroupKey, List<Entry>>> groups) {
            Map<Integer, List<Map.Entry<GroupKey, List<Entry>>>> small = new HashMap<>();
            for (Map.Entry<GroupKey, List<Entry>> e : groups) {
                GroupKey group = e.getKey();
                List<Entry> entries = e.getValue();
                if (entries.size() * SMALL_GROUP_DIVISOR < settings.batchSize() && combinable[group.namespace()]) {
                    small.computeIfAbsent(group.namespace(), n -> new ArrayList<>()).add(e);
                } else {
                    submit(() -> check(group, entries));
                }
            }
            for (List<Map.Entry<GroupKey, List<Entry>>> list : small.values()) {
                List<Map.Entry<GroupKey, List<Entry>>> parts = new ArrayList<>();
                int keys = 0;
                for (Map.Entry<GroupKey, List<Entry>> e : list) {
                    parts.add(e);
                    keys += e.getValue().size();
                    if (keys >= settings.batchSize() || parts.size() == JdbcSource.MAX_PARTS) {
                        submitParts(parts);
                        parts = new ArrayList<>();
                        keys = 0;
                    }
                }
                if (!parts.isEmpty()) {
                    submitParts(parts);
                }
            }
        }

        private void submitParts(List<Map.Entry<GroupKey, List<Entry>>> parts) {
            if (parts.size() == 1) {
                GroupKey group = parts.get(0).getKey();
                List<Entry> entries = parts.get(0).getValue();
                submit(() -> check(group, entries));
            } else {
                submit(() -> checkParts(parts));
            }
        }

        private void flushAll() {
            List<Map.Entry<GroupKey, List<Entry>>> groups = new ArrayList<>(pending.entrySet());
            pending.clear();
            buffered = 0;
            send(groups);
        }

        private void submit(Runnable task) {
            if (fatal != null) {
                return;
            }
            inFlightTasks.add(executor.submit(task));
            if (inFlightTasks.size() > 1024) {
                inFlightTasks.removeIf(Future::isDone);
            }
        }

        private void awaitTasks() {
            for (Future<?> f : inFlightTasks) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CacheCheckException("interrupted while waiting for batches", e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof CacheCheckException c && fatal == null) {
                        fatal = c;
                    } else if (fatal == null) {
                        fatal = new CacheCheckException("a batch failed unexpectedly: " + e.getCause().getClass().getName(), e.getCause());
                    }
                }
            }
            inFlightTasks.clear();
        }

        /** First look at a batch of keys of one tenant and namespace. */
        private void check(GroupKey group, List<Entry> entries) {
            if (deadlinePassed()) {
                skipGroup(group, entries.size(), "deadline: batch not checked");
                return;
            }
            Looked looked = lookOrSkip(group, entries, "batch");
            if (looked == null) {
                return;
            }
            classifyFirstLook(group, entries, looked);
        }

        /** First look at several small groups of one namespace, read and looked up together. */
        private void checkParts(List<Map.Entry<GroupKey, List<Entry>>> parts) {
            Namespace ns = namespaces.get(parts.get(0).getKey().namespace());
            List<Entry> all = new ArrayList<>();
            List<String> tenantsOfParts = new ArrayList<>(parts.size());
            List<List<String[]>> keyValues = new ArrayList<>(parts.size());
            for (Map.Entry<GroupKey, List<Entry>> part : parts) {
                all.addAll(part.getValue());
                tenantsOfParts.add(part.getKey().tenant());
                List<String[]> values = new ArrayList<>(part.getValue().size());
                part.getValue().forEach(entry -> values.add(entry.keyValues()));
                keyValues.add(values);
            }
            String failure = null;
            List<CachedValue> values = null;
            List<JdbcSource.Fetched> fetched = null;
            if (deadlinePassed()) {
                failure = "deadline: batch not checked";
            } else {
                try {
                    values = readValues(ns, all);
                    fetched = worker.get().source.fetchParts(ns, contract.tenants().placeholder(), tenantsOfParts, keyValues);
                } catch (CacheUnavailableException | SourceUnavailableException e) {
                    failure = unavailable(e, "batch");
                } catch (ContractException e) {
                    fatal = e;
                    return;
                }
            }
            int offset = 0;
            for (int p = 0; p < parts.size(); p++) {
                GroupKey group = parts.get(p).getKey();
                List<Entry> entries = parts.get(p).getValue();
                if (failure != null) {
                    skipGroup(group, entries.size(), failure);
                } else {
                    Looked looked = new Looked(values.subList(offset, offset + entries.size()), fetched.get(p).rows(),
                            fetched.get(p).rejected());
                    classifyFirstLook(group, entries, looked);
                }
                offset += entries.size();
            }
        }

        private void classifyFirstLook(GroupKey group, List<Entry> entries, Looked looked) {
            Namespace ns = namespaces.get(group.namespace());
            Stats st = stats.get(group);
            Instant now = clock.instant();
            List<Suspect> differing = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                if (looked.refused(this, group, entry)) {
                    continue;
                }
                Outcome o = classify(ns, entry, looked.values.get(i), looked.rows.get(JdbcSource.keyTuple(entry.keyValues())));
                if (o.driftClass == null) {
                    expired.incrementAndGet();
                    st.expired.incrementAndGet();
                } else if (o.driftClass == DriftClass.CONSISTENT) {
                    st.record(o, entry.key());
                } else {
                    differing.add(new Suspect(entry, group, o.driftClass, o.cacheDigest, o.sourceDigest, o.rowExists, now));
                }
            }
            if (!differing.isEmpty()) {
                synchronized (suspects) {
                    suspects.addAll(differing);
                }
            }
        }

        private record Looked(List<CachedValue> values, Map<String, SourceRow> rows, Map<String, String> rejected) {
            /** True (and the key reported UNMAPPED) when the source refused the key's value for its column. */
            boolean refused(Run run, GroupKey group, Entry entry) {
                if (rejected.isEmpty()) {
                    return false;
                }
                String state = rejected.get(JdbcSource.keyTuple(entry.keyValues()));
                if (state == null) {
                    return false;
                }
                run.unmapped(entry.key(), group.tenant(), run.namespaces.get(group.namespace()).name(),
                        // the key matches the pattern, but its value is not valid for the key column (docs/contract.md)
                        "key-value-rejected-by-source (SQLState " + state + ")");
                return true;
            }
        }

        /** Marks keys of one tenant and namespace as not checked (the verdict becomes INCOMPLETE), saying why. */
        private void skipGroup(GroupKey group, int keys, String reason) {
            stats.get(group).incomplete = true;
            skipped.add(new Skipped(group.tenant(), namespaces.get(group.namespace()).name(), null, keys, reason));
        }

        private static String unavailable(RuntimeException e, String stage) {
            if (e instanceof SourceDeadlineException) {
                return "deadline: " + stage + " stopped (" + e.getMessage() + ")";
            }
            return (e instanceof CacheUnavailableException ? "cache-unavailable" : "source-unavailable")
                    + ": " + stage + " failed after retries (" + e.getMessage() + ")";
        }

        /**
         * {@link #look}, or null when the batch cannot be checked: an unavailable cache or source marks it skipped
         * (INCOMPLETE), a contract error stops the run.
         */
        private Looked lookOrSkip(GroupKey group, List<Entry> entries, String stage) {
            try {
                return look(group, entries);
            } catch (CacheUnavailableException | SourceUnavailableException e) {
                skipGroup(group, entries.size(), unavailable(e, stage));
            } catch (ContractException e) {
                fatal = e;
            }
            return null;
        }

        /** Reads the cached values (pipelined, per node) and the source rows (one query) of a batch. */
        private Looked look(GroupKey group, List<Entry> entries) {
            Namespace ns = namespaces.get(group.namespace());
            List<CachedValue> values = readValues(ns, entries);
            List<String[]> keyValues = new ArrayList<>(entries.size());
            for (Entry entry : entries) {
                keyValues.add(entry.keyValues());
            }
            JdbcSource.Fetched fetched = worker.get().source.fetch(ns, contract.tenants().placeholder(), group.tenant(), keyValues);
            return new Looked(values, fetched.rows(), fetched.rejected());
        }

        /** The cached values of the entries, in order: one read per node (pipelined, or an MGET). */
        private List<CachedValue> readValues(Namespace ns, List<Entry> entries) {
            Worker w = worker.get();
            CachedValue[] values = new CachedValue[entries.size()];
            int firstNode = entries.get(0).node();
            boolean oneNode = true;
            for (Entry entry : entries) {
                oneNode &= entry.node() == firstNode;
            }
            if (oneNode) { // the usual case: a standalone cache, or a shard of one cluster node
                List<byte[]> keys = new ArrayList<>(entries.size());
                for (Entry entry : entries) {
                    keys.add(entry.key());
                }
                w.node(firstNode, nodes).read(keys, ns.valueType()).toArray(values);
            } else {
                Map<Integer, List<Integer>> byNode = new LinkedHashMap<>();
                for (int i = 0; i < entries.size(); i++) {
                    byNode.computeIfAbsent(entries.get(i).node(), k -> new ArrayList<>()).add(i);
                }
                for (Map.Entry<Integer, List<Integer>> e : byNode.entrySet()) {
                    List<byte[]> keys = new ArrayList<>(e.getValue().size());
                    for (int i : e.getValue()) {
                        keys.add(entries.get(i).key());
                    }
                    List<CachedValue> read = w.node(e.getKey(), nodes).read(keys, ns.valueType());
                    for (int k = 0; k < read.size(); k++) {
                        values[e.getValue().get(k)] = read.get(k);
                    }
                }
            }
            return Arrays.asList(values);
        }

        /** Re-checks suspects whose grace period has passed; with {@code all}, waits for and re-checks every one. */
        private void recheckDue(boolean all) {
            List<Suspect> due = new ArrayList<>();
            Instant now = clock.instant();
            synchronized (suspects) {
                boolean overflow = suspects.size() > settings.maxBufferedKeys();
                while (!suspects.isEmpty()) {
                    Suspect s = suspects.peekFirst();
                    boolean ripe = !s.observedAt().plusMillis(settings.graceMillis()).isAfter(now);
                    if (!(ripe || all || overflow)) {
                        break;
                    }
                    due.add(suspects.pollFirst());
                    overflow = suspects.size() > settings.maxBufferedKeys();
                }
            }
            if (due.isEmpty()) {
                return;
            }
            Map<GroupKey, List<Suspect>> groups = new LinkedHashMap<>();
            for (Suspect s : due) {
                groups.computeIfAbsent(s.group(), g -> new ArrayList<>()).add(s);
            }
            for (Map.Entry<GroupKey, List<Suspect>> e : groups.entrySet()) {
                List<Suspect> list = e.getValue();
                for (int from = 0; from < list.size(); from += settings.batchSize()) {
                    List<Suspect> batch = list.subList(from, Math.min(list.size(), from + settings.batchSize()));
                    submit(() -> recheck(e.getKey(), batch));
                }
            }
        }

        private void recheckRemaining() {
            Instant last;
            synchronized (suspects) {
                last = suspects.isEmpty() ? null : suspects.peekLast().observedAt();
            }
            if (last != null) {
                long wait = Duration.between(clock.instant(), last.plusMillis(settings.graceMillis())).toMillis();
                if (deadline != null) {
                    wait = Math.min(wait, Math.max(0, Duration.between(clock.instant(), deadline).toMillis()));
                }
                if (wait > 0) {
                    recheckWaitMillis += wait;
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            recheckDue(true);
        }

        /** Second look after the grace period: only now does a difference count. */
        private void recheck(GroupKey group, List<Suspect> batch) {
            Namespace ns = namespaces.get(group.namespace());
            Stats st = stats.get(group);
            // Wait out the rest of the grace period of the youngest suspect in this batch.
            Instant ripeAt = batch.get(batch.size() - 1).observedAt().plusMillis(settings.graceMillis());
            long wait = Duration.between(clock.instant(), ripeAt).toMillis();
            if (wait > 0 && (deadline == null || clock.instant().plusMillis(wait).isBefore(deadline))) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (deadlinePassed()) {
                skipGroup(group, batch.size(), "deadline: differing keys not re-checked");
                return;
            }
            List<Entry> entries = new ArrayList<>(batch.size());
            batch.forEach(s -> entries.add(s.entry()));
            Looked looked = lookOrSkip(group, entries, "re-check");
            if (looked == null) {
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                Suspect first = batch.get(i);
                Entry entry = first.entry();
                if (looked.refused(this, group, entry)) {
                    continue;
                }
                SourceRow row = looked.rows.get(JdbcSource.keyTuple(entry.keyValues()));
                Outcome now = classify(ns, entry, looked.values.get(i), row);
                if (now.driftClass == null) {
                    expired.incrementAndGet();
                    st.expired.incrementAndGet();
                    continue;
                }
                if (now.driftClass == DriftClass.CONSISTENT) {
                    st.record(now, entry.key());
                    continue;
                }
                // compared on the canonical digest: a writer that rewrites a stale value, changing only an ignored
                // field (e.g. cachedAt), has not changed what is compared and must not make it IN_FLIGHT forever
                boolean changed = !Arrays.equals(first.firstCacheDigest(), now.cacheDigest)
                        || now.rowExists != first.rowExisted()
                        || !Arrays.equals(first.firstSourceDigest(), now.sourceDigest);
                // A source version from the future (an application writing local time into a zone-less column, or
                // a placeholder date) is no proof of a write in progress: beyond the grace period it stays STALE.
                boolean futureVersion = now.sourceVersionInstant != null
                        && now.sourceVersionInstant.isAfter(clock.instant().plusMillis(settings.graceMillis()));
                boolean freshWrite = now.driftClass == DriftClass.STALE && now.versionOrder > 0 && now.sourceVersionInstant != null
                        && now.sourceVersionInstant.isAfter(first.observedAt().minusMillis(settings.graceMillis()))
                        && !futureVersion;
                Outcome finalOutcome = changed || freshWrite ? now.as(DriftClass.IN_FLIGHT, changed ? "changed-during-check" : "source-version-newer") : now;
                if (finalOutcome.driftClass == DriftClass.STALE && futureVersion) {
                    finalOutcome.reason = finalOutcome.reason + "; source-version-in-the-future: " + finalOutcome.sourceVersion;
                }
                if (finalOutcome.driftClass == DriftClass.STALE && ns.version() != null && finalOutcome.cacheVersion == null) {
                    // Say so when the version rule could not apply: usually a typo in version.field, which would
                    // otherwise switch that part of the race defence off without a trace.
                    finalOutcome.reason = finalOutcome.reason + "; version-field-absent: " + ns.version().field();
                }
                st.record(finalOutcome, entry.key());
                addFinding(new Finding(group.tenant(), ns.name(), KeyText.display(entry.key()), finalOutcome.driftClass,
                        finalOutcome.reason, finalOutcome.fields, Canonicalizer.hex(finalOutcome.cacheDigest),
                        Canonicalizer.hex(finalOutcome.sourceDigest), Canonicalizer.hex(finalOutcome.valueDigest),
                        finalOutcome.cacheVersion, finalOutcome.sourceVersion, first.observedAt()));
            }
        }

        private void addFinding(Finding f) {
            if (findingCount.incrementAndGet() <= settings.maxFindings()) {
                findings.add(f);
            }
        }

        private boolean deadlinePassed() {
            return deadline != null && !clock.instant().isBefore(deadline);
        }

        private ShardResult result(long scanMillis) {
            Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
            for (DriftClass c : DriftClass.values()) {
                counts.put(c, 0L);
            }
            List<TenantNamespaceResult> results = new ArrayList<>();
            for (String tenant : item.tenants()) {
                for (int n = 0; n < namespaces.size(); n++) {
                    Stats st = stats.get(new GroupKey(tenant, n));
                    TenantNamespaceResult r = st.result(tenant, namespaces.get(n).name());
                    results.add(r);
                    counts.merge(DriftClass.CONSISTENT, r.consistent(), Long::sum);
                    counts.merge(DriftClass.STALE, r.stale(), Long::sum);
                    counts.merge(DriftClass.ORPHAN, r.orphan(), Long::sum);
                    counts.merge(DriftClass.CORRUPT, r.corrupt(), Long::sum);
                    counts.merge(DriftClass.IN_FLIGHT, r.inFlight(), Long::sum);
                }
            }
            counts.put(DriftClass.UNMAPPED, unmapped.get());
            Verdict verdict;
            if (!skipped.isEmpty()) {
                verdict = Verdict.INCOMPLETE;
            } else if (counts.get(DriftClass.STALE) + counts.get(DriftClass.ORPHAN) + counts.get(DriftClass.CORRUPT)
                    + counts.get(DriftClass.UNMAPPED) > 0) {
                verdict = Verdict.DRIFT;
            } else {
                verdict = Verdict.CONSISTENT;
            }
            List<Finding> sorted = new ArrayList<>(findings);
            sorted.sort(java.util.Comparator.comparing((Finding f) -> String.valueOf(f.tenant()))
                    .thenComparing(f -> String.valueOf(f.namespace())).thenComparing(Finding::key));
            Instant finishedAt = clock.instant();
            return new ShardResult(item.shardId(), verdict, startedAt, finishedAt,
                    new ShardResult.Timings(Duration.between(startedAt, finishedAt).toMillis(), scanMillis, recheckWaitMillis),
                    scanned, ignored, counts, expired.get(), List.copyOf(unmappedSample), results, sorted,
                    findingCount.get() > settings.maxFindings(), List.copyOf(skipped));
        }

        @Override
        public void close() {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers.forEach(Worker::close);
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The classification of one key at one look. A null class means the key is gone (expired). */
    private static final class Outcome {
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

    private Outcome classify(Namespace ns, Entry entry, CachedValue value, SourceRow row) {
        Outcome o = new Outcome();
        o.rowExists = row != null;
        if (value instanceof CachedValue.Missing) {
            return o; // expired or deleted since the scan: not drift, not checked
        }
        // The raw-value digest and the source version only serve a differing key (its finding and its re-check),
        // so they are computed once the key is known to differ: for every consistent key they cost one SHA-256 and
        // a version parse and format (docs/performance.md, "Engine levers, second round").
        io.cachecheck.decode.Decoded decoded = CachedValueDecoder.decode(ns, value, contract.check().maxValueBytes());
        if (decoded.corrupt()) {
            o.valueDigest = rawDigest(value);
            o.sourceVersion = Canonicalizer.sourceVersion(ns, row);
            o.sourceVersionInstant = Canonicalizer.sourceVersionInstant(ns, row);
            o.driftClass = DriftClass.CORRUPT;
            o.reason = decoded.corruptReason();
            o.fields = decoded.corruptFields();
            o.cacheDigest = o.valueDigest;
            o.sourceDigest = row == null ? null : Canonicalizer.sourceOnlyDigest(ns, row);
            return o;
        }
        if (row == null && decoded.cachedNull()) {
            // the application cached that there is no row (Spring's NullValue), and there is none: they agree
            o.driftClass = DriftClass.CONSISTENT;
            o.cacheDigest = Canonicalizer.cacheOnlyDigest(ns, decoded);
            o.sourceDigest = o.cacheDigest;
            return o;
        }
        if (row == null) {
            o.valueDigest = rawDigest(value);
            o.driftClass = DriftClass.ORPHAN;
            o.reason = "row-missing";
            o.cacheDigest = Canonicalizer.cacheOnlyDigest(ns, decoded);
            return o;
        }
        Canonicalizer.Comparison cmp = Canonicalizer.compare(ns, decoded, row);
        o.cacheDigest = cmp.cacheDigest();
        o.sourceDigest = cmp.sourceDigest();
        o.cacheVersion = cmp.cacheVersion();
        o.sourceVersion = cmp.sourceVersion();
        o.versionOrder = cmp.versionOrder();
        o.fields = cmp.differingFields();
        o.driftClass = cmp.equal() ? DriftClass.CONSISTENT : DriftClass.STALE;
        o.reason = cmp.equal() ? null : "fields-differ";
        if (!cmp.equal()) {
            o.valueDigest = rawDigest(value);
            o.sourceVersionInstant = Canonicalizer.sourceVersionInstant(ns, row);
        }
        return o;
    }

    /** SHA-256 of the stored bytes; for a hash, of its fields sorted by name. */
    public static byte[] rawDigest(CachedValue value) {
        if (value instanceof CachedValue.Text t) {
            return Canonicalizer.sha256(t.bytes());
        }
        if (value instanceof CachedValue.Hash h) {
            List<Map.Entry<byte[], byte[]>> fields = new ArrayList<>(h.fields().entrySet());
            fields.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (Map.Entry<byte[], byte[]> f : fields) {
                writeLengthPrefixed(out, f.getKey());
                writeLengthPrefixed(out, f.getValue());
            }
            return Canonicalizer.sha256(out.toByteArray());
        }
        if (value instanceof CachedValue.WrongType w) {
            return Canonicalizer.sha256(("wrong-type:" + w.expected()).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private static void writeLengthPrefixed(java.io.ByteArrayOutputStream out, byte[] bytes) {
        int n = bytes.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.write(bytes, 0, n);
    }

    /** Thread-safe counters for one tenant and namespace. */
    private static final class Stats {
        final AtomicLong consistent = new AtomicLong();
        final AtomicLong stale = new AtomicLong();
        final AtomicLong orphan = new AtomicLong();
        final AtomicLong corrupt = new AtomicLong();
        final AtomicLong inFlight = new AtomicLong();
        final AtomicLong expired = new AtomicLong();
        final SideDigest cacheSide = new SideDigest();
        final SideDigest sourceSide = new SideDigest();
        volatile boolean incomplete;

        void record(Outcome o, byte[] key) {
            switch (o.driftClass) {
                case CONSISTENT -> consistent.incrementAndGet();
                case STALE -> stale.incrementAndGet();
                case ORPHAN -> orphan.incrementAndGet();
                case CORRUPT -> corrupt.incrementAndGet();
                case IN_FLIGHT -> inFlight.incrementAndGet();
                default -> throw new IllegalStateException("not a per-tenant class: " + o.driftClass);
            }
            if (o.cacheDigest != null) {
                byte[] cacheItem = SideDigest.item(key, o.cacheDigest);
                cacheSide.add(cacheItem);
                if (o.sourceDigest != null) {
                    sourceSide.add(Arrays.equals(o.cacheDigest, o.sourceDigest) ? cacheItem : SideDigest.item(key, o.sourceDigest));
                }
            } else if (o.sourceDigest != null) {
                sourceSide.add(SideDigest.item(key, o.sourceDigest));
            }
        }

        TenantNamespaceResult result(String tenant, String namespace) {
            long checked = consistent.get() + stale.get() + orphan.get() + corrupt.get() + inFlight.get();
            long drifted = stale.get() + orphan.get() + corrupt.get();
            double score = checked == 0 ? 1.0 : 1.0 - (double) drifted / checked;
            return new TenantNamespaceResult(tenant, namespace, checked, consistent.get(), stale.get(), orphan.get(),
                    corrupt.get(), inFlight.get(), expired.get(), score, cacheSide.hex(), sourceSide.hex(), !incomplete);
        }
    }
}
