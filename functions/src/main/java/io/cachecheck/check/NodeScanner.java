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
 */
final class NodeScanner {
    private static final Logger LOG = LoggerFactory.getLogger(NodeScanner.class);

    private final RunContext run;
    private final CheckSettings settings;
    private final RedisNodes redis;
    private final List<HostAndPort> nodes;
    private final KeyRouter router;
    private final Runnable afterPage;
    private final ReadThrottle throttle;

    /**
     * @param nodes     the nodes to scan, in order; a key's node index is its position here
     * @param afterPage run on the scanning thread after each SCAN page
     */
    NodeScanner(RunContext run, RedisNodes redis, List<HostAndPort> nodes, KeyRouter router, Runnable afterPage) {
        this(run, redis, nodes, router, afterPage, ReadThrottle.NONE);
    }

    /** @param throttle the keys of every SCAN page count against the item's cache-read cap */
    NodeScanner(RunContext run, RedisNodes redis, List<HostAndPort> nodes, KeyRouter router, Runnable afterPage,
                ReadThrottle throttle) {
        this.throttle = throttle;
        this.run = run;
        this.settings = run.settings();
        this.redis = redis;
        this.nodes = nodes;
        this.router = router;
        this.afterPage = afterPage;
    }

    /**
     * Scans every node, until the deadline or a fatal error stops the run.
     *
     * @param estimate the keys expected in all ({@link #estimateKeys}), for progress
     */
    void scanAll(long estimate, ProgressListener progress) {
        boolean stopped = false;
        for (int n = 0; n < nodes.size() && !stopped; n++) {
            stopped = !scanNode(n, estimate, progress);
        }
    }

    /** The keys on all nodes (DBSIZE), for progress; -1 when a node does not answer (its scan will report it). */
    long estimateKeys() {
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

    /** Scans one node; returns false when the run must stop (deadline or a fatal error). */
    private boolean scanNode(int nodeIndex, long estimate, ProgressListener progress) {
        HostAndPort node = nodes.get(nodeIndex);
        ShardTally tally = run.tally();
        long scannedBefore = tally.scannedCount();
        long ignoredBefore = tally.ignoredCount();
        try (NodeConnection connection = connect(node)) {
            NodeScan scan = new NodeScan(connection, settings.scanCount());
            do {
                if (run.tasks().failed()) {
                    return false;
                }
                if (run.deadline().passed()) {
                    tally.skipScope(node.toString(), "deadline: scan of node stopped before the end");
                    return false;
                }
                NodeScan.Page page;
                try {
                    page = scan.next();
                } catch (CacheDeadlineException e) {
                    tally.skipScope(node.toString(), "deadline: scan of node stopped before the end (" + e.getMessage() + ")");
                    return false;
                } catch (CacheUnavailableException e) {
                    // in cluster mode, say which slots went unchecked and whether the cluster already flags the node
                    tally.skipScope(node.toString(), "cache-unavailable: scan of node failed after retries (" + e.getMessage() + ")"
                            + redis.describe(node).map(what -> "; " + what + " not checked").orElse(""));
                    return true; // other nodes can still be checked
                }
                if (page.restarted()) {
                    LOG.warn("scan restarted from cursor 0: another server answers the node", entry("node", node.toString()),
                            entry("runIdBefore", page.previous()), entry("runIdNow", page.server()), entry("restarts", scan.restarts()));
                    if (scan.restarts() > settings.maxRetries()) {
                        tally.skipScope(node.toString(), "cache-unavailable: the server answering node " + node + " changed "
                                + scan.restarts() + " times during its scan (restart or failover; run_id now " + page.server()
                                + "); the scan began again from cursor 0 each time, then gave up after check.maxRetries ("
                                + settings.maxRetries() + ")" + redis.describe(node).map(what -> "; " + what + " not checked").orElse(""));
                        return true;
                    }
                    continue;
                }
                for (byte[] key : page.keys()) {
                    router.route(key, nodeIndex);
                }
                tally.scanned(page.keys().size());
                // paid after the page (its size is known only then): the next page waits, so the rate holds
                throttle.cacheReads(Math.max(1, page.keys().size()));
                progress.onProgress(tally.scannedCount(), estimate);
                afterPage.run();
            } while (!scan.done());
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
        return true;
    }
}
