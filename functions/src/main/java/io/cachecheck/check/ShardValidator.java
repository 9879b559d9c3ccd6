package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.cache.UncoveredSlots;
import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.InvalidInputException;
import redis.clients.jedis.HostAndPort;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks one {@link ShardWorkItem}: one SCAN pass per cache node, every key routed by pattern to its (tenant,
 * namespace), values read in pipelined batches and rows looked up in batches per tenant and namespace, both sides
 * canonicalised and compared by SHA-256 digest, and every difference re-read after the grace period before it counts.
 *
 * <p>This class wires the parts of one check together: {@link NodeScanner} (SCAN per node), {@link KeyRouter} (key
 * to tenant and namespace), {@link KeyBatcher} (buffering), {@link CacheReader} and {@link SourceLookup} (the two
 * sides of a look), {@link Classifier}, {@link FirstLook} and {@link Rechecker}; {@link ShardTally} gathers the
 * result.
 *
 * <p>Memory is bounded by {@code check.maxBufferedKeys} (keys waiting for a batch) plus the worker queue; the one
 * part that grows with the keyspace is the set of counted keys ({@link CountedKeys}, about 17 bytes a key).
 * Anything that could not be checked is reported as {@link Skipped}, which makes the verdict INCOMPLETE: the
 * verdict is never CONSISTENT unless every key in scope was checked.
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
        Deadline limit = new Deadline(deadline, clock);
        Instant startedAt = clock.instant();
        List<HostAndPort> nodes = selectNodes(item);
        ShardTally tally = new ShardTally(item, contract.namespaces(), settings, clock, nodes.size());
        // the worker threads stop before the connections they use are closed
        ReadThrottle throttle = ReadThrottle.of(item.optionsOrNone(), limit);
        try (CacheReader cache = new CacheReader(redis, nodes, settings, limit, throttle);
             SourceLookup source = new SourceLookup(contract, secrets, limit, throttle);
             BatchTasks tasks = new BatchTasks(settings.parallelism())) {
            RunContext run = new RunContext(contract, item, limit, clock, tally, tasks);
            BatchLooker looker = new BatchLooker(run, cache, source);
            Classifier classifier = new Classifier(settings.maxValueBytes(), settings.maxMembers());
            Rechecker rechecker = new Rechecker(run, looker, classifier);
            KeyBatcher batcher = new KeyBatcher(run, new FirstLook(run, looker, classifier, rechecker));
            KeyRouter router = new KeyRouter(run, activeTenants, batcher);
            NodeScanner scanner = new NodeScanner(run, redis, nodes, router, () -> {
                batcher.afterPage();
                rechecker.recheckDue(false);
            }, throttle);

            for (UncoveredSlots slots : item.uncovered()) {
                tally.skipScope(slots.node(), slots.skipReason());
            }
            long estimate = scanner.estimateKeys();
            Instant scanStart = clock.instant();
            scanner.scanAll(estimate, progress == null ? ProgressListener.NONE : progress);
            batcher.flushAll();
            long scanMillis = Duration.between(scanStart, clock.instant()).toMillis();
            tasks.await();
            rechecker.recheckRemaining();
            tasks.await();
            tasks.rethrow();
            return tally.result(startedAt, scanMillis, rechecker.waitMillis());
        }
    }

    private List<HostAndPort> selectNodes(ShardWorkItem item) {
        if (item.nodes().isEmpty()) {
            return redis.nodes();
        }
        List<HostAndPort> out = new ArrayList<>();
        for (String node : item.nodes()) {
            HostAndPort hp = HostAndPort.from(node);
            if (!redis.nodes().contains(hp)) {
                throw new InvalidInputException("shard " + item.shardId() + ": node " + node
                        + " is not a node of the cache " + redis.nodes() + "; re-run DiscoverShards");
            }
            out.add(hp);
        }
        return out;
    }

    /** SHA-256 of the stored bytes; for a hash, of its fields sorted by name; for a collection, of its members. */
    public static byte[] rawDigest(CachedValue value) {
        return Classifier.rawDigest(value);
    }
}
