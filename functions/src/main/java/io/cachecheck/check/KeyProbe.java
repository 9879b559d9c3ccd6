package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.source.MemberRows;
import io.cachecheck.source.SourceRow;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks one key through the validator's own parts, as a validate run would check it, and keeps what each look saw:
 * for {@code cachecheck explain}. The key is routed by {@link KeyRouter}, batched by {@link KeyBatcher}, looked at by
 * {@link FirstLook} and, when it differs, re-checked by {@link Rechecker} after the grace period; the class is read
 * from the {@link ShardTally}'s result, so it is the class validate gives the key, not a second opinion.
 *
 * <p>The looks ({@link Look}) hold the cached value and the source row: they are for the operator's terminal only,
 * and must never be logged or stored.
 */
public final class KeyProbe {
    private final Contract contract;
    private final RedisNodes redis;
    private final SecretResolver secrets;
    private final Clock clock;

    public KeyProbe(Contract contract, RedisNodes redis, SecretResolver secrets) {
        this(contract, redis, secrets, Clock.systemUTC());
    }

    KeyProbe(Contract contract, RedisNodes redis, SecretResolver secrets, Clock clock) {
        this.contract = contract;
        this.redis = redis;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Where {@link KeyRouter} sends the key. */
    public enum RouteKind {
        /** To its tenant and namespace: it is checked. */
        CHECKED,
        /** Skipped by {@code cache.ignoreKeyPrefixes}. */
        IGNORED,
        /** Reported UNMAPPED ({@link Routing#reason()} says why). */
        UNMAPPED
    }

    /**
     * The routing decision.
     *
     * @param namespace the namespace that claims the key, or null when none matched
     * @param tenant    the tenant placeholder's value, or null when no namespace matched
     * @param keyValues the other placeholders' values, in pattern order (empty unless checked)
     * @param reason    the UNMAPPED reason, or null
     */
    public record Routing(RouteKind kind, String namespace, String tenant, List<String> keyValues, String reason) {
    }

    /**
     * How one look classified the key ({@link Classifier}), before the run's decision (a first look that differs
     * is not yet a finding).
     */
    public record Classification(DriftClass driftClass, String reason, List<String> fields, String cacheVersion,
                                 String sourceVersion, int versionOrder) {
    }

    /**
     * One look at the key: what was read on each side, and how it classified. {@code value} and {@code row} hold
     * customer data: never log or store them.
     *
     * @param stage         {@code batch} (the first look) or {@code re-check} (after the grace period)
     * @param row           the source row of a scalar namespace, or null
     * @param members       the source rows of a collection namespace, or null
     * @param rejectedState the SQLState with which the source refused the key's value for its column, or null
     * @param classification null when the source refused the key, or the key was gone
     */
    public record Look(String stage, CachedValue value, SourceRow row, MemberRows members, String rejectedState,
                       Classification classification) {
    }

    /**
     * The key's fate in a validate run.
     *
     * @param node        the cache node read ({@code host:port})
     * @param driftClass  the class validate gives it; null when it is not classified (gone, ignored, or skipped)
     * @param finding     the finding validate reports for it, or null (CONSISTENT, gone, ignored, skipped)
     * @param expired     the key did not exist when it was read (a validate scan would not have counted it)
     * @param skipped     why it could not be checked (the run would be INCOMPLETE), or empty
     * @param waitedMillis how long the re-check waited for the grace period (0: none, e.g. versions proved no write
     *                    in flight)
     */
    public record Result(Routing routing, String node, List<Look> looks, DriftClass driftClass, Finding finding,
                         boolean expired, List<Skipped> skipped, long waitedMillis) {
    }

    /**
     * Checks one key as a validate run over every active tenant would.
     *
     * @param activeTenants the tenants discovered by the contract's {@code tenants.sql}
     */
    public Result probe(byte[] key, Set<String> activeTenants) {
        CheckSettings settings = contract.check();
        HostAndPort node = nodeOf(key);
        // one work item with every active tenant that reports unmapped keys: the key is checked, or reported, here
        ShardWorkItem item = new ShardWorkItem("explain", new ArrayList<>(new TreeSet<>(activeTenants)),
                List.of(node.toString()), true);
        Instant deadlineAt = settings.deadlineSeconds() > 0 ? clock.instant().plusSeconds(settings.deadlineSeconds()) : null;
        Deadline limit = new Deadline(deadlineAt, clock);
        Instant startedAt = clock.instant();
        ShardTally tally = new ShardTally(item, contract.namespaces(), settings, clock, 1);
        List<Look> looks = Collections.synchronizedList(new ArrayList<>());
        Classifier classifier = new Classifier(settings.maxValueBytes(), settings.maxMembers());
        KeyRouter.Route route;
        try (CacheReader cache = new CacheReader(redis, List.of(node), settings, limit);
             SourceLookup source = new SourceLookup(contract, secrets, limit);
             BatchTasks tasks = new BatchTasks(1)) {
            RunContext run = new RunContext(contract, item, limit, clock, tally, tasks);
            BatchLooker looker = new BatchLooker(run, cache, source,
                    (stage, group, keys, look) -> looks.add(look(stage, group, keys, look, classifier)));
            Rechecker rechecker = new Rechecker(run, looker, classifier);
            KeyBatcher batcher = new KeyBatcher(run, new FirstLook(run, looker, classifier, rechecker));
            KeyRouter router = new KeyRouter(run, activeTenants, batcher);
            route = router.decide(key);
            router.route(key, 0);
            tally.scanned(1);
            batcher.flushAll();
            tasks.await();
            rechecker.recheckRemaining();
            tasks.await();
            tasks.rethrow();
            ShardResult result = tally.result(startedAt, 0, rechecker.waitMillis());
            return result(key, route, node, looks, result);
        }
    }

    private Result result(byte[] key, KeyRouter.Route route, HostAndPort node, List<Look> looks, ShardResult result) {
        String display = KeyText.display(key);
        Finding finding = result.findings().stream().filter(f -> f.key().equals(display)).findFirst().orElse(null);
        DriftClass cls = finding != null ? finding.driftClass()
                : result.count(DriftClass.CONSISTENT) > 0 ? DriftClass.CONSISTENT : null;
        RouteKind kind = switch (route.kind()) {
            case GROUP -> RouteKind.CHECKED;
            case IGNORED -> RouteKind.IGNORED;
            // every active tenant is in the probe's item, so no other item could own the key
            case UNMAPPED, OTHER_ITEM -> RouteKind.UNMAPPED;
        };
        Routing routing = new Routing(kind, route.namespace() < 0 ? null : contract.namespaces().get(route.namespace()).name(),
                route.tenant(), route.keyValues() == null ? List.of() : List.of(route.keyValues()), route.reason());
        return new Result(routing, node.toString(), List.copyOf(looks), cls, finding, result.expired() > 0, result.skipped(),
                result.timings().recheckWaitMillis());
    }

    private Look look(String stage, Group group, List<ScannedKey> keys, Lookup look, Classifier classifier) {
        Namespace ns = contract.namespaces().get(group.namespace());
        ScannedKey key = keys.get(0);
        String rejected = look.rejectedState(key);
        Classification c = null;
        if (rejected == null) {
            // the same pure classification FirstLook and Rechecker apply to this look
            Outcome o = classifier.classify(ns, look, 0, key);
            c = o.driftClass == null ? null : new Classification(o.driftClass, o.reason, o.fields, o.cacheVersion,
                    o.sourceVersion, o.versionOrder);
        }
        return new Look(stage, look.value(0), ns.valueType().collection() ? null : look.row(key),
                ns.valueType().collection() ? look.members(key) : null, rejected, c);
    }

    /**
     * The node that holds the key: the only node of a standalone cache; in a cluster, the node that has it (or, when
     * none has it, the first).
     */
    private HostAndPort nodeOf(byte[] key) {
        List<HostAndPort> nodes = redis.nodes();
        if (!redis.cluster() || nodes.size() == 1) {
            return nodes.get(0);
        }
        for (HostAndPort node : nodes) {
            try (Jedis jedis = redis.connect(node)) {
                if (contract.cache().readReplicas()) {
                    jedis.readonly();
                }
                if (jedis.exists(key)) {
                    return node;
                }
            } catch (JedisDataException e) {
                // MOVED: another node serves the key's slot
            }
        }
        return nodes.get(0);
    }

    /**
     * The canonical members of a collection key on each side, as the comparison sees them (for
     * {@code cachecheck explain --show-values}): the cached members typed like the member column, and the rows' members.
     */
    public record MemberForms(List<String> cached, List<String> source) {
    }

    /** The canonical members of a look at a collection key; a side is null when it has none (or is not comparable). */
    public static MemberForms memberForms(Namespace ns, CachedValue value, MemberRows rows) {
        List<SourceRow> sourceRows = rows == null ? List.of() : rows.rows();
        List<String> cached = null;
        if (value instanceof CachedValue.Members m) {
            List<String> texts = new ArrayList<>(m.members().size());
            for (byte[] member : m.members()) {
                String text = io.cachecheck.decode.Utf8.decode(member);
                texts.add(text == null ? "\uFFFD(not UTF-8)" : text);
            }
            cached = CollectionComparison.cachedMembers(texts, sourceRows, ns.memberColumn());
        }
        List<String> source = null;
        if (rows != null) {
            source = new ArrayList<>(sourceRows.size());
            for (SourceRow row : sourceRows) {
                source.add(CollectionComparison.sourceMember(row, ns.memberColumn()));
            }
        }
        return new MemberForms(cached, source);
    }
}
