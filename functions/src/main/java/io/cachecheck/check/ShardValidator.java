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
 * part that grows with the keyspace is the set of counted keys ({@link CountedKeys}, about 17 bytes a key), and only
 * with the keys one invocation scans: a check that runs out of time returns a {@link Checkpoint} instead, which
 * holds no such set, and a later call goes on from it.
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
     * How an invocation takes part in a resumable check (docs/workflow.md, "Continuations").
     *
     * @param from    the checkpoint to go on from; null for the item's first invocation
     * @param pauseAt when to stop scanning and return a checkpoint; null: never (scan to the end or the deadline)
     */
    public record Resume(Checkpoint from, Instant pauseAt) {
        public static final Resume NONE = new Resume(null, null);
    }

    /** What an invocation ends with: the item's result, or a checkpoint to continue from (exactly one is set). */
    public record Step(ShardResult result, Checkpoint checkpoint) {
        public boolean done() {
            return result != null;
        }
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
        return validate(item, activeTenants, deadline, progress, Resume.NONE).result();
    }

    /**
     * Checks a work item, or a part of it: from {@code resume.from()} when set, and, when {@code resume.pauseAt()}
     * passes before the scan is over, stops with a {@link Checkpoint} that a later call goes on from. The result of
     * a chain of such calls equals that of one uninterrupted call (docs/scale.md, "Resumable work items").
     *
     * @param deadline stop before this instant with an INCOMPLETE result, checkpoint or not (the hard limit)
     */
    public Step validate(ShardWorkItem item, Set<String> activeTenants, Instant deadline, ProgressListener progress,
                         Resume resume) {
        return validate(item, activeTenants, deadline, progress, resume, null);
    }

    /**
     * {@link #validate(ShardWorkItem, Set, Instant, ProgressListener, Resume)} with the item's keys from the run's
     * scan phase when {@code storedKeys} is given (the item's {@link ShardWorkItem#keysFrom()}), from its own SCAN
     * otherwise; everything after the keys is the same. Stored keys are read to the end or the deadline: they never
     * pause with a checkpoint (docs/scale.md, "One scan per key", on how their position would be checkpointed).
     *
     * @param storedKeys null: SCAN the item's node; else the key lists stored for the item's one node
     */
    public Step validate(ShardWorkItem item, Set<String> activeTenants, Instant deadline, ProgressListener progress,
                         Resume resume, KeyLists storedKeys) {
        CheckSettings settings = contract.check();
        if (deadline == null && settings.deadlineSeconds() > 0) {
            deadline = clock.instant().plusSeconds(settings.deadlineSeconds());
        }
        Deadline limit = new Deadline(deadline, clock);
        Checkpoint from = resume.from();
        Instant startedAt = from == null ? clock.instant() : from.startedAt();
        List<HostAndPort> nodes = selectNodes(item);
        if (from != null) {
            from.checkFits(item, nodes.stream().map(HostAndPort::toString).toList(), contract.namespaces().size(),
                    "checkpoint " + from.sequence() + " of " + item.shardId());
        }
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
            Runnable afterPage = () -> {
                batcher.afterPage();
                rechecker.recheckDue(false);
            };
            NodeScanner scanNodes = null;
            KeySource scanner;
            if (storedKeys == null) {
                scanNodes = new NodeScanner(run, redis, nodes, router, afterPage, throttle, from == null ? null : from.nodes(),
                        resume.pauseAt() == null ? null : new Deadline(resume.pauseAt(), clock));
                scanner = scanNodes;
            } else if (nodes.size() == 1 && from == null) {
                scanner = new StoredKeys(run, nodes.get(0), storedKeys, router, afterPage);
            } else {
                throw new InvalidInputException("shard " + item.shardId() + ": keysFrom is set but the item has "
                        + nodes.size() + " nodes" + (from == null ? "" : " or a checkpoint") + "; stored keys are read"
                        + " per node in one invocation; re-run DiscoverShards");
            }

            long scanMillisBefore = 0;
            if (from != null && from.figures() != null) {
                tally.restore(from.figures());
                rechecker.restore(from.suspects());
                rechecker.addWaitMillis(from.recheckWaitMillis());
                from.buffered().forEach(k -> batcher.add(new Group(k.tenant(), k.namespace()), KeyBatcher.scannedKey(k)));
                scanMillisBefore = from.scanMillis();
            } else {
                // figures (and with them the uncovered slots) are new: on the first call, or when the item starts over
                for (UncoveredSlots slots : item.uncovered()) {
                    tally.skipScope(slots.node(), slots.skipReason());
                }
            }
            long estimate = scanner.estimateKeys();
            Instant scanStart = clock.instant();
            NodeScanner.End end = scanner.scanAll(estimate, progress == null ? ProgressListener.NONE : progress);
            if (end == NodeScanner.End.START_OVER) {
                return new Step(null, startOver(item, from, startedAt, scanNodes.positions()));
            }
            if (end == NodeScanner.End.PAUSED) {
                long scanMillis = scanMillisBefore + Duration.between(scanStart, clock.instant()).toMillis();
                // let what was submitted finish: then nothing runs, and the figures and queues are at rest
                tasks.await();
                tasks.rethrow();
                return new Step(null, new Checkpoint(item.shardId(), from == null ? 1 : from.sequence() + 1, startedAt,
                        scanMillis, rechecker.waitMillis(), scanNodes.positions(), tally.figures(), batcher.drain(),
                        rechecker.drain()));
            }
            batcher.flushAll();
            long scanMillis = scanMillisBefore + Duration.between(scanStart, clock.instant()).toMillis();
            tasks.await();
            rechecker.recheckRemaining();
            tasks.await();
            tasks.rethrow();
            return new Step(tally.result(startedAt, scanMillis, rechecker.waitMillis()), null);
        }
    }

    /**
     * The checkpoint that makes an item begin again from cursor 0 on every node, with no figures: another server
     * answers a node whose pass cannot go on exactly. Restart counts are kept, so {@code check.maxRetries} still
     * bounds how often.
     */
    private static Checkpoint startOver(ShardWorkItem item, Checkpoint from, Instant startedAt,
                                        List<Checkpoint.ScanPosition> positions) {
        List<Checkpoint.ScanPosition> fresh = new ArrayList<>();
        for (Checkpoint.ScanPosition p : positions) {
            fresh.add(new Checkpoint.ScanPosition(p.node(), "0", null, false, p.restarts(), 0, 0));
        }
        return new Checkpoint(item.shardId(), from == null ? 1 : from.sequence() + 1, startedAt, 0, 0, fresh, null,
                List.of(), List.of());
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
