package io.cachecheck.remediate;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.check.Canonicalizer;
import io.cachecheck.check.KeyText;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.contract.ValueType;
import io.cachecheck.throttle.RateLimiter;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Executes a {@link RemediationPlan} against Redis, race-safely: a key is deleted only while it still holds exactly the
 * value that was judged drifted.
 *
 * <p>Redis Lua has no SHA-256, so each action is two steps. First the current value is read and digested the way the
 * validator did ({@link ShardValidator#rawDigest}); a different digest means a writer refreshed the key since the check,
 * and it is left alone. Then a script deletes the key only if it is still byte-identical to what was just read. A
 * script runs atomically, so no write can land between its comparison and its delete; a write that lands between the
 * read and the script makes the comparison fail. Either way, a fresh value is never deleted.
 *
 * <p>Dry run is the default and does not even connect. Execution is idempotent: a second run of the same plan finds
 * the keys gone (or rewritten by the application) and does nothing.
 */
public final class RemediationExecutor implements AutoCloseable {
    /** 1 = deleted, 0 = value differs, -1 = key gone. The type check keeps GET from failing on a retyped key. */
    static final String DELETE_IF_STRING_EQUALS = """
            local t = redis.call('TYPE', KEYS[1]).ok
            if t == 'none' then return -1 end
            if t ~= 'string' then return 0 end
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    /** ARGV holds field, value pairs: the hash must have exactly these fields with exactly these values. */
    static final String DELETE_IF_HASH_EQUALS = """
            local t = redis.call('TYPE', KEYS[1]).ok
            if t == 'none' then return -1 end
            if t ~= 'hash' then return 0 end
            if redis.call('HLEN', KEYS[1]) * 2 ~= #ARGV then return 0 end
            for i = 1, #ARGV, 2 do
              if redis.call('HGET', KEYS[1], ARGV[i]) ~= ARGV[i + 1] then return 0 end
            end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    /**
     * A CORRUPT key of the wrong Redis type was judged by its type alone, so it is deleted while it still has a type
     * other than the expected one (ARGV[1]); a writer that repaired it would have written the expected type.
     */
    static final String DELETE_IF_WRONG_TYPE = """
            local t = redis.call('TYPE', KEYS[1]).ok
            if t == 'none' then return -1 end
            if t == ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    private final Contract contract;
    private final Supplier<UnifiedJedis> connector;
    private final Limits limits;
    private final RateLimiter limiter;
    private UnifiedJedis redis;

    RemediationExecutor(Contract contract, Supplier<UnifiedJedis> connector, Limits limits, RateLimiter limiter) {
        this.contract = contract;
        this.connector = connector;
        this.limits = limits;
        this.limiter = limiter;
    }

    /** An executor writing to the contract's cache; the connection is opened on the first real execution. */
    public static RemediationExecutor create(Contract contract, SecretResolver secrets, Limits limits) {
        return new RemediationExecutor(contract, () -> RedisWriteClient.open(contract.cache(), secrets), limits,
                RateLimiter.perSecond(limits.maxWritesPerSecond()));
    }

    /**
     * Executes a plan.
     *
     * @param plan   a plan from {@link RemediationPlanner} with its original (not redacted) keys
     * @param dryRun when true, every action is reported as DRY_RUN and Redis is not touched
     */
    public RemediationReport execute(RemediationPlan plan, boolean dryRun) {
        return execute(plan, dryRun, KeyResolver.PLAIN);
    }

    /**
     * Executes a plan whose keys are written as {@code keys} resolves them (e.g. redacted). An action whose real key
     * cannot be recovered is FAILED {@code sealed-key-invalid}, in a dry run too, so the problem shows before a real run.
     */
    public RemediationReport execute(RemediationPlan plan, boolean dryRun, KeyResolver keys) {
        List<String> blocked = new ArrayList<>(plan.blockedReasons());
        if (blocked.isEmpty()) {
            // the plan may have been stored and read back, or made under other limits: the executor's own caps rule
            blocked.addAll(RemediationPlanner.capViolations(plan.actions(), limits));
        }
        if (!plan.executable() || !blocked.isEmpty()) {
            return new RemediationReport(dryRun, false, blocked.isEmpty() ? List.of("plan is marked not executable") : blocked, List.of());
        }
        List<ActionResult> results = new ArrayList<>(plan.actions().size());
        for (PlannedAction action : plan.actions()) {
            String realKey = keys.resolve(action.key()).orElse(null);
            if (realKey == null) {
                // no key text in the reason: the written key is in the result already, the real one is unknown
                results.add(ActionResult.of(action, Outcome.FAILED, "sealed-key-invalid"));
                continue;
            }
            Namespace ns = Confinement.check(contract, action.tenant(), action.namespace(), realKey);
            if (ns == null) {
                results.add(ActionResult.of(action, Outcome.FAILED, "refused:outside-tenant-pattern"));
            } else if (dryRun) {
                results.add(ActionResult.of(action, Outcome.DRY_RUN, "would-" + action.action().name().toLowerCase(java.util.Locale.ROOT)));
            } else if (Thread.currentThread().isInterrupted()) {
                results.add(ActionResult.of(action, Outcome.FAILED, "interrupted:not-attempted"));
            } else {
                results.add(apply(action, realKey, ns.valueType()));
            }
        }
        return new RemediationReport(dryRun, true, List.of(), results);
    }

    private ActionResult apply(PlannedAction action, String realKey, ValueType type) {
        byte[] key = KeyText.parse(realKey);
        try {
            UnifiedJedis r = redis();
            CachedValue current = read(r, key, type, contract.check().maxMembers());
            if (current instanceof CachedValue.Missing) {
                return ActionResult.of(action, Outcome.SKIPPED_GONE, "key-gone");
            }
            if (action.valueDigest() == null || !action.valueDigest().equals(Canonicalizer.hex(ShardValidator.rawDigest(current)))) {
                return ActionResult.of(action, Outcome.SKIPPED_CHANGED, "value-changed");
            }
            limiter.acquire();
            Object result = deleteIfUnchanged(r, key, current, type);
            long code = result instanceof Long l ? l : Long.MIN_VALUE;
            if (code == 1) {
                return ActionResult.of(action, Outcome.APPLIED,
                        action.action() == Action.REPOPULATE ? "invalidated-for-read-through" : "invalidated");
            }
            if (code == -1) {
                return ActionResult.of(action, Outcome.SKIPPED_GONE, "key-gone");
            }
            if (code == 0) {
                return ActionResult.of(action, Outcome.SKIPPED_CHANGED, "value-changed");
            }
            return ActionResult.of(action, Outcome.FAILED, "unexpected-script-result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ActionResult.of(action, Outcome.FAILED, "interrupted:not-attempted");
        } catch (JedisException e) {
            // only the class name: Redis error texts can quote script arguments, i.e. values
            return ActionResult.of(action, Outcome.FAILED, "redis-error:" + e.getClass().getSimpleName());
        }
    }

    private static CachedValue read(UnifiedJedis r, byte[] key, ValueType type, int maxMembers) {
        try {
            if (type.collection()) {
                return CollectionRemediation.read(r, key, type, maxMembers);
            }
            if (type == ValueType.HASH) {
                Map<byte[], byte[]> fields = r.hgetAll(key);
                return fields == null || fields.isEmpty() ? CachedValue.MISSING : new CachedValue.Hash(fields);
            }
            byte[] bytes = r.get(key);
            return bytes == null ? CachedValue.MISSING : new CachedValue.Text(bytes);
        } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE")) {
                return new CachedValue.WrongType(expectedType(type));
            }
            throw e;
        }
    }

    private static Object deleteIfUnchanged(UnifiedJedis r, byte[] key, CachedValue current, ValueType type) {
        List<byte[]> keys = List.of(key);
        if (current instanceof CachedValue.Text t) {
            return r.eval(bytes(DELETE_IF_STRING_EQUALS), keys, List.of(t.bytes()));
        }
        if (current instanceof CachedValue.Members m) {
            return CollectionRemediation.deleteIfUnchanged(r, key, m);
        }
        if (current instanceof CachedValue.Hash h) {
            List<byte[]> args = new ArrayList<>(h.fields().size() * 2);
            h.fields().forEach((field, value) -> {
                args.add(field);
                args.add(value);
            });
            return r.eval(bytes(DELETE_IF_HASH_EQUALS), keys, args);
        }
        return r.eval(bytes(DELETE_IF_WRONG_TYPE), keys, List.of(bytes(expectedType(type))));
    }

    private static String expectedType(ValueType type) {
        return type.redisType();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private synchronized UnifiedJedis redis() {
        if (redis == null) {
            redis = connector.get();
        }
        return redis;
    }

    @Override
    public synchronized void close() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
