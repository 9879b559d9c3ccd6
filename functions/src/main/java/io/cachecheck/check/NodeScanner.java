package io.cachecheck.check;

import io.cachecheck.cache.NodeConnection;
import io.cachecheck.cache.NodeScan;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.CheckSettings;
import io.cachecheck.error.CacheDeadlineException;
import io.cachecheck.error.CacheUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;

import java.util.List;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

/**
 * The one SCAN pass per node of a work item: each page's keys go to the {@link KeyRouter}; after each page the
 * {@code afterPage} hook lets batches and re-checks move on. A node that cannot be scanned is reported as skipped,
 * and the other nodes are still scanned; the deadline or a fatal error stops the scan. When another server starts
 * answering for a node (a restart, a failover), {@link NodeScan} begins that node's pass again from cursor 0, at
 * most {@code check.maxRetries} times; the keys it returns again are counted once ({@link ShardTally}).
 *
 * <p>With a pause instant, the scan stops there and keeps each node's cursor and server ({@link #positions()}) for
 * a checkpoint; a later scanner goes on from them, on the same server only (docs/scale.md, "Resumable work items").
 */
final class NodeScanner implements KeySource {
    private static final Logger LOG = LoggerFactory.getLogger(NodeScanner.class);

    /** How a call of {@link #scanAll} ended. */
    enum End {
        /** Every node's pass is over (or the node was reported as skipped). */
        COMPLETE,
        /** The deadline or a fatal error stopped the scan (reported as skipped, or thrown). */
        STOPPED,
        /** The invocation's budget ran out: {@link #positions()} say where to go on from. */
        PAUSED,
        /**
         * Another server answers a node whose pass cannot go on exactly in a continuation: the keys counted on the
         * server before are not in this invocation's fingerprint sets, so the item must begin again from cursor 0
         * with no figures ({@link #positions()} keep the restart counts).
         */
        START_OVER
    }

    private final RunContext run;
    private final CheckSettings settings;
    private final RedisNodes redis;
    private final List<HostAndPort> nodes;
    private final KeyConsumer router;
    private final Runnable afterPage;
    private final ReadThrottle throttle;
    private final Checkpoint.ScanPosition[] positions;
    /** When the invocation's budget runs out (a checkpoint is due); null: never, scan to the end or the deadline. */
    private final Deadline pause;
    /** Pages read by this invocation: it pauses only after one, so that every continuation gets somewhere. */
    private long pages;

    /**
     * @param nodes     the nodes to scan, in order; a key's node index is its position here
     * @param afterPage run on the scanning thread after each SCAN page
     */
    NodeScanner(RunContext run, RedisNodes redis, List<HostAndPort> nodes, KeyConsumer router, Runnable afterPage) {
        this(run, redis, nodes, router, afterPage, ReadThrottle.NONE, null, null);
    }

    /**
     * @param throttle the keys of every SCAN page count against the item's cache-read cap
     * @param from     per node, where an earlier invocation left its pass; null: every pass begins at cursor 0
     * @param pause    when to stop with {@link End#PAUSED}; null: never
     */
    NodeScanner(RunContext run, RedisNodes redis, List<HostAndPort> nodes, KeyConsumer router, Runnable afterPage,
                ReadThrottle throttle, List<Checkpoint.ScanPosition> from, Deadline pause) {
        this.throttle = throttle;
        this.run = run;
        this.settings = run.settings();
        this.redis = redis;
        this.nodes = nodes;
        this.router = router;
        this.afterPage = afterPage;
        this.pause = pause;
        this.positions = new Checkpoint.ScanPosition[nodes.size()];
        for (int n = 0; n < nodes.size(); n++) {
            positions[n] = from == null ? Checkpoint.ScanPosition.start(nodes.get(n).toString()) : from.get(n);
        }
    }

    /**
     * Scans every node, until the deadline, a fatal error or the budget stops the run.
     *
     * @param estimate the keys expected in all ({@link #estimateKeys}), for progress
     */
    @Override
    public End scanAll(long estimate, ProgressListener progress) {
        for (int n = 0; n < nodes.size(); n++) {
            End end = scanNode(n, estimate, progress);
            if (end != End.COMPLETE) {
                return end;
            }
        }
        return End.COMPLETE;
    }

    /** How often a node's pass began again from cursor 0 on another server, over all nodes. */
    int restarts() {
        int restarts = 0;
        for (Checkpoint.ScanPosition p : positions) {
            restarts += p == null ? 0 : p.restarts();
        }
        return restarts;
    }

    /** Per node, where its pass stands now. */
    List<Checkpoint.ScanPosition> positions() {
        return List.of(positions);
    }

    /** The keys on all nodes (DBSIZE), for progress; -1 when a node does not answer (its scan will report it). */
    @Override
    public long estimateKeys() {
        long total = 0;
        for (HostAndPort node : nodes) {
            try (NodeConnection c = connect(node)) {
                total += c.dbSize();
            } catch (CacheUnavailableException e) {
                return -1; // the scan itself will report the node
            }
        }
        return total;
    }

    /** A connection whose calls, retries and backoffs all end by the deadline. */
    private NodeConnection connect(HostAndPort node) {
        return new NodeConnection(redis, node, settings.maxRetries(), settings.retryBackoffMillis(), run.deadline().timeLeft());
    }

    /** Scans one node; COMPLETE when its pass is over (or reported as skipped) and the next node may follow. */
    private End scanNode(int nodeIndex, long estimate, ProgressListener progress) {
        HostAndPort node = nodes.get(nodeIndex);
        Checkpoint.ScanPosition at = positions[nodeIndex];
        if (at.done()) {
            return End.COMPLETE;
        }
        ShardTally tally = run.tally();
        long scannedBefore = tally.scannedCount() - at.scanned();
        long ignoredBefore = tally.ignoredCount() - at.ignored();
        try (NodeConnection connection = connect(node)) {
            // a pass that an earlier invocation began goes on from its cursor, on the same server only
            boolean begunEarlier = at.begun();
            NodeScan scan = begunEarlier ? NodeScan.resume(connection, settings.scanCount(), at.server(), at.cursor())
                    : new NodeScan(connection, settings.scanCount());
            do {
                if (run.tasks().failed()) {
                    return End.STOPPED;
                }
                if (run.deadline().passed()) {
                    tally.skipScope(node.toString(), "deadline: scan of node stopped before the end");
                    return End.STOPPED;
                }
                if (pause != null && pages > 0 && pause.passed()) {
                    positions[nodeIndex] = position(at, scan, false, scannedBefore, ignoredBefore);
                    // keys counted on the server before this invocation's restart may lie past the new cursor
                    return scan.restarts() > 0 ? End.START_OVER : End.PAUSED;
                }
                NodeScan.Page page;
                try {
                    page = scan.next();
                } catch (CacheDeadlineException e) {
                    tally.skipScope(node.toString(), "deadline: scan of node stopped before the end (" + e.getMessage() + ")");
                    return End.STOPPED;
                } catch (CacheUnavailableException e) {
                    // in cluster mode, say which slots went unchecked and whether the cluster already flags the node
                    tally.skipScope(node.toString(), "cache-unavailable: scan of node failed after retries (" + e.getMessage() + ")"
                            + redis.describe(node).map(what -> "; " + what + " not checked").orElse(""));
                    positions[nodeIndex] = position(at, scan, true, scannedBefore, ignoredBefore);
                    return End.COMPLETE; // other nodes can still be checked
                }
                if (page.restarted()) {
                    int restarts = at.restarts() + scan.restarts();
                    LOG.warn("scan restarted from cursor 0: another server answers the node", entry("node", node.toString()),
                            entry("runIdBefore", page.previous()), entry("runIdNow", page.server()), entry("restarts", restarts));
                    if (restarts > settings.maxRetries()) {
                        tally.skipScope(node.toString(), "cache-unavailable: the server answering node " + node + " changed "
                                + restarts + " times during its scan (restart or failover; run_id now " + page.server()
                                + "); the scan began again from cursor 0 each time, then gave up after check.maxRetries ("
                                + settings.maxRetries() + ")" + redis.describe(node).map(what -> "; " + what + " not checked").orElse(""));
                        positions[nodeIndex] = position(at, scan, true, scannedBefore, ignoredBefore);
                        return End.COMPLETE;
                    }
                    if (begunEarlier) {
                        positions[nodeIndex] = position(at, scan, false, scannedBefore, ignoredBefore);
                        return End.START_OVER;
                    }
                    continue;
                }
                for (byte[] key : page.keys()) {
                    router.route(key, nodeIndex);
                }
                tally.scanned(page.keys().size());
                // paid after the page (its size is known only then): the next page waits, so the rate holds
                throttle.cacheReads(Math.max(1, page.keys().size()));
                pages++;
                progress.onProgress(tally.scannedCount(), estimate);
                afterPage.run();
            } while (!scan.done());
            positions[nodeIndex] = position(at, scan, true, scannedBefore, ignoredBefore);
        }
        long scanned = tally.scannedCount() - scannedBefore;
        long ignored = tally.ignoredCount() - ignoredBefore;
        if (scanned == ignored && !run.contract().cache().cluster()) {
            // A whole database without a single key (or only keys of ignoreKeyPrefixes) is far more often a wrong
            // database number or host in cache.url than an empty cache; "consistent" would turn that mistake
            // into a green gate.
            tally.skipScope(node.toString(), "empty-keyspace: SCAN returned no key " + (scanned == 0 ? "at all"
                    : "but ignored ones (" + ignored + ", cache.ignoreKeyPrefixes)")
                    + " in the database of cache.url; if the cache really holds no key of this contract there is"
                    + " nothing to check, otherwise check cache.url (host, port, database number)");
        }
        return End.COMPLETE;
    }

    /** Where a node's pass stands; its scanned and ignored counts cover every invocation. */
    private Checkpoint.ScanPosition position(Checkpoint.ScanPosition at, NodeScan scan, boolean done, long scannedBefore,
                                             long ignoredBefore) {
        ShardTally tally = run.tally();
        return new Checkpoint.ScanPosition(at.node(), scan.cursor(), scan.server() == null ? at.server() : scan.server(),
                done, at.restarts() + scan.restarts(), tally.scannedCount() - scannedBefore, tally.ignoredCount() - ignoredBefore);
    }
}
