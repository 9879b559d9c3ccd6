package io.cachecheck.cache;

import io.cachecheck.contract.CacheSettings;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.CacheUnavailableException;
import io.cachecheck.error.ContractException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

import java.net.URI;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Redis nodes a check scans, and how to connect to them.
 *
 * <p>A check talks to each node directly with a single-connection {@link Jedis}: SCAN cursors belong to one node, and
 * the values of the keys a node returned are read back from that same node, so no cluster routing (and no
 * {@code RedisClusterClient}) is involved in the hot path. Standalone is the one-node case.
 */
public final class RedisNodes {
    private final Coverage coverage;
    private final JedisClientConfig config;
    private final boolean readOnly;
    private final boolean cluster;

    private RedisNodes(Coverage coverage, JedisClientConfig config, boolean readOnly, boolean cluster) {
        this.coverage = coverage;
        this.config = config;
        this.readOnly = readOnly;
        this.cluster = cluster;
    }

    /** Where a cache is and how to connect to it: the seed node from {@code cache.url} and a client config. */
    public record Endpoint(HostAndPort seed, JedisClientConfig config) {
    }

    /**
     * Reads {@code cache.url} and {@code cache.auth} once, for the check and for remediation alike.
     *
     * @param clientName      the CLIENT SETNAME of the connections, so operators can tell them apart
     * @param socketTimeoutMs read timeout
     */
    public static Endpoint endpoint(CacheSettings settings, SecretResolver secrets, String clientName, int socketTimeoutMs) {
        URI uri = URI.create(settings.url());
        SecretResolver.Resolved auth = secrets.resolve(settings.credentials(), "cache.auth");
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new ContractException("cache.url: database '" + path.substring(1) + "' is not a number; use redis://host:port/0");
            }
            if (settings.cluster() && database != 0) {
                throw new ContractException("cache.url: Redis Cluster has only database 0; remove /" + database);
            }
        }
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .ssl("rediss".equals(uri.getScheme()))
                .database(database)
                .connectionTimeoutMillis(5000)
                .socketTimeoutMillis(socketTimeoutMs)
                .clientName(clientName);
        if (auth.password() != null) {
            config.password(auth.password());
        }
        if (auth.username() != null) {
            config.user(auth.username());
        }
        return new Endpoint(new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), config.build());
    }

    /**
     * Connects to the seed and, in cluster mode, lists the primaries (or one replica per primary) and the slots none
     * of them can serve ({@link #parseClusterNodes}).
     */
    public static RedisNodes discover(CacheSettings settings, SecretResolver secrets) {
        return discover(settings, secrets, DEFAULT_SOCKET_TIMEOUT_MILLIS);
    }

    /** The read timeout of the check's connections: a deadline can only shorten it. */
    static final int DEFAULT_SOCKET_TIMEOUT_MILLIS = 30_000;

    /**
     * {@link #discover(CacheSettings, SecretResolver)}, with the cluster topology read waiting at most
     * {@code timeoutMillis} (the time left to a deadline).
     */
    public static RedisNodes discover(CacheSettings settings, SecretResolver secrets, int timeoutMillis) {
        Endpoint endpoint = endpoint(settings, secrets, "cachecheck", DEFAULT_SOCKET_TIMEOUT_MILLIS);
        HostAndPort seed = endpoint.seed();
        JedisClientConfig clientConfig = endpoint.config();
        if (!settings.cluster()) {
            return new RedisNodes(Coverage.of(List.of(seed)), clientConfig, false, false);
        }
        int timeout = Math.max(1, Math.min(timeoutMillis, DEFAULT_SOCKET_TIMEOUT_MILLIS));
        String topology;
        try (Jedis jedis = new Jedis(seed, DefaultJedisClientConfig.builder().from(clientConfig)
                .socketTimeoutMillis(timeout).connectionTimeoutMillis(Math.min(timeout, clientConfig.getConnectionTimeoutMillis())).build())) {
            topology = jedis.clusterNodes();
        } catch (JedisException e) {
            throw new CacheUnavailableException("cannot read the cluster topology from " + seed + ": " + e.getClass().getSimpleName()
                    + "; check cache.url and that cache.mode matches the server", e);
        }
        return new RedisNodes(parseClusterNodes(topology, settings.readReplicas()), clientConfig, settings.readReplicas(), true);
    }

    /** Slots in a Redis Cluster. */
    static final int SLOTS = 16384;

    /** Most slot ranges one {@link UncoveredSlots} lists; a fragmented gap is summarised beyond this. */
    static final int MAX_LISTED_RANGES = 20;

    /**
     * Parses CLUSTER NODES: one line per node, {@code id host:port@bus[,hostname] flags master-id ping pong epoch
     * link slot...}.
     *
     * <p>A primary that owns slots is scanned even when it is flagged {@code fail} or {@code fail?}: the flag is the
     * other nodes' opinion, and a node that does not answer is then reported by the scan as not checked (INCOMPLETE,
     * with its tenants), which a silently dropped node never was. A primary without a usable address
     * ({@code noaddr}, {@code handshake}) cannot be scanned; its slots, and slots no node claims, are returned as
     * {@link UncoveredSlots}. With {@code replicas}, each primary is read through its first healthy replica, or
     * through itself when it has none.
     */
    static Coverage parseClusterNodes(String topology, boolean replicas) {
        Map<String, ClusterNode> primaries = new TreeMap<>();
        Map<String, ClusterNode> replicaOf = new TreeMap<>();
        for (String line : topology.split("\n")) {
            String[] parts = line.trim().split(" ");
            if (parts.length < 8) {
                continue;
            }
            ClusterNode node = ClusterNode.parse(parts);
            if (node.flags().contains("master")) {
                if (node.slots().isEmpty()) {
                    continue; // a primary without slots holds no keys (e.g. a node still joining as a replica)
                }
                primaries.put(parts[0], node);
            } else if (node.flags().contains("slave") && node.healthy() && !replicaOf.containsKey(parts[3])) {
                replicaOf.put(parts[3], node); // a failed replica is passed over: its primary is read instead
            }
        }
        List<HostAndPort> out = new ArrayList<>();
        Map<HostAndPort, String> notes = new LinkedHashMap<>();
        BitSet covered = new BitSet(SLOTS);
        ClusterNode[] claimedBy = new ClusterNode[SLOTS];
        for (Map.Entry<String, ClusterNode> e : primaries.entrySet()) {
            ClusterNode primary = e.getValue();
            ClusterNode replica = replicas ? replicaOf.get(e.getKey()) : null;
            ClusterNode read = replica != null ? replica : primary.address() != null ? primary : null;
            if (read == null) {
                primary.slots().stream().forEach(slot -> claimedBy[slot] = primary);
                continue;
            }
            covered.or(primary.slots());
            if (!out.contains(read.address())) {
                out.add(read.address());
            }
            String slots = ranges(primary.slots());
            notes.merge(read.address(), read == primary && !primary.healthy()
                    ? "cluster node " + primary.name() + " is flagged " + primary.problem() + "; slots " + slots
                    : "slots " + slots, (a, b) -> a + "; " + b);
        }
        out.sort((a, b) -> a.toString().compareTo(b.toString()));
        return new Coverage(out, uncovered(covered, claimedBy, replicas), notes);
    }

    /** The slots not in {@code covered}, one entry per claiming node (first the slots no node claims). */
    private static List<UncoveredSlots> uncovered(BitSet covered, ClusterNode[] claimedBy, boolean replicas) {
        BitSet unclaimed = new BitSet(SLOTS);
        Map<ClusterNode, BitSet> byNode = new LinkedHashMap<>();
        for (int slot = covered.nextClearBit(0); slot < SLOTS; slot = covered.nextClearBit(slot + 1)) {
            if (claimedBy[slot] == null) {
                unclaimed.set(slot);
            } else {
                byNode.computeIfAbsent(claimedBy[slot], n -> new BitSet(SLOTS)).set(slot);
            }
        }
        List<UncoveredSlots> out = new ArrayList<>();
        if (!unclaimed.isEmpty()) {
            out.add(new UncoveredSlots(ranges(unclaimed), null, "no cluster node serves them"));
        }
        byNode.forEach((node, slots) -> out.add(new UncoveredSlots(ranges(slots), node.name(), "cluster node " + node.name()
                + (node.problem().isEmpty() ? "" : " is flagged " + node.problem() + " and") + " has no address to scan"
                + (replicas ? ", and no healthy replica" : ""))));
        return out;
    }

    /** {@code 0-5460,5462}: at most {@link #MAX_LISTED_RANGES} ranges, then how many more. */
    static String ranges(BitSet slots) {
        List<String> out = new ArrayList<>();
        int total = 0;
        for (int from = slots.nextSetBit(0); from >= 0; from = slots.nextSetBit(from)) {
            int to = slots.nextClearBit(from) - 1;
            if (total++ < MAX_LISTED_RANGES) {
                out.add(from == to ? Integer.toString(from) : from + "-" + to);
            }
            from = to + 1;
        }
        if (total > MAX_LISTED_RANGES) {
            out.add("... (" + (total - MAX_LISTED_RANGES) + " more ranges, " + slots.cardinality() + " slots in all)");
        }
        return String.join(",", out);
    }

    /** One line of CLUSTER NODES, as far as the plan needs it. */
    private record ClusterNode(String id, HostAndPort address, List<String> flags, BitSet slots) {
        static ClusterNode parse(String[] parts) {
            String address = parts[1];
            int at = address.indexOf('@');
            int comma = address.indexOf(',');
            int end = at >= 0 ? at : comma >= 0 ? comma : address.length();
            HostAndPort node = null;
            try {
                HostAndPort parsed = HostAndPort.from(address.substring(0, end));
                node = parsed.getHost().isEmpty() || parsed.getPort() <= 0 ? null : parsed;
            } catch (IllegalArgumentException e) {
                // ":0" and the like: a node whose address is not known (yet)
            }
            List<String> flags = List.of(parts[2].split(","));
            if (flags.contains("noaddr") || flags.contains("handshake")) {
                node = null;
            }
            BitSet slots = new BitSet(SLOTS);
            for (int i = 8; i < parts.length; i++) {
                String range = parts[i];
                if (range.isEmpty() || range.startsWith("[")) {
                    continue; // [slot->-id] / [slot-<-id]: a migration in progress; the slot is still listed as owned
                }
                int dash = range.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
                slots.set(from, to + 1);
            }
            return new ClusterNode(parts[0], node, flags, slots);
        }

        /** The address, or the node id when the address is unknown. */
        String name() {
            return address != null ? address.toString() : id;
        }

        boolean healthy() {
            return address != null && problem().isEmpty();
        }

        /** The flags that say something is wrong, e.g. {@code fail} or {@code fail?,noaddr}; empty when none. */
        String problem() {
            List<String> bad = new ArrayList<>();
            for (String flag : flags) {
                if (flag.equals("fail") || flag.equals("fail?") || flag.equals("noaddr") || flag.equals("handshake")) {
                    bad.add(flag);
                }
            }
            return String.join(",", bad);
        }
    }

    /**
     * What a plan scans in cluster mode: the nodes, the slots none of them serves, and per node the slots it serves
     * (and its failure flags) for the reason of a node that could not be scanned.
     */
    public record Coverage(List<HostAndPort> nodes, List<UncoveredSlots> uncovered, Map<HostAndPort, String> notes) {
        public Coverage {
            nodes = List.copyOf(nodes);
            uncovered = List.copyOf(uncovered);
            notes = Map.copyOf(notes);
        }

        /** Nodes that together serve the whole keyspace (standalone, or tests). */
        public static Coverage of(List<HostAndPort> nodes) {
            return new Coverage(nodes, List.of(), Map.of());
        }
    }

    /** The nodes to scan: every primary that owns slots (or one replica of it), failed or not. */
    public List<HostAndPort> nodes() {
        return coverage.nodes();
    }

    /** The nodes, and the slots none of them serves (always empty in standalone mode). */
    public Coverage coverage() {
        return coverage;
    }

    /**
     * What a node serves, for the reason of a scan that failed: e.g. {@code cluster node 127.0.0.1:7402 is flagged
     * fail; slots 10923-16383}, or {@code slots 0-5460}; empty in standalone mode.
     */
    public Optional<String> describe(HostAndPort node) {
        return Optional.ofNullable(coverage.notes().get(node));
    }

    public boolean cluster() {
        return cluster;
    }

    /** Opens a new connection to a node; replicas are switched to READONLY. */
    public Jedis connect(HostAndPort node) {
        return connect(node, config);
    }

    /**
     * Opens a new connection to a node whose connect, handshake and reads each wait at most {@code timeoutMillis}
     * (or the configured timeouts, if shorter): a connection opened near a deadline must not outlive it. A stopped
     * server still accepts TCP connections (the kernel does), so the handshake's replies are what would hang.
     */
    public Jedis connect(HostAndPort node, int timeoutMillis) {
        if (timeoutMillis >= config.getSocketTimeoutMillis() && timeoutMillis >= config.getConnectionTimeoutMillis()) {
            return connect(node, config);
        }
        return connect(node, DefaultJedisClientConfig.builder().from(config)
                .socketTimeoutMillis(Math.min(timeoutMillis, config.getSocketTimeoutMillis()))
                .connectionTimeoutMillis(Math.min(timeoutMillis, config.getConnectionTimeoutMillis())).build());
    }

    /** The read timeout of connections opened without a shorter one. */
    public int socketTimeoutMillis() {
        return config.getSocketTimeoutMillis();
    }

    private Jedis connect(HostAndPort node, JedisClientConfig clientConfig) {
        Jedis jedis = new Jedis(node, clientConfig);
        if (readOnly) {
            try {
                jedis.readonly();
            } catch (RuntimeException e) {
                jedis.close();
                throw e;
            }
        }
        return jedis;
    }
}
