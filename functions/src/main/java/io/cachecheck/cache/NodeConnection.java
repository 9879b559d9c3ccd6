package io.cachecheck.cache;

import io.cachecheck.contract.ValueType;
import io.cachecheck.error.CacheDeadlineException;
import io.cachecheck.error.CacheUnavailableException;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One connection to one Redis node, used by one thread. It is opened lazily and re-opened after a connection error,
 * so a killed connection ({@code CLIENT KILL}, a failover, a SnapStart restore) costs a retry, not the check.
 * SCAN and reads are idempotent, so retrying them is safe.
 *
 * <p>With a deadline, no call outlives it: each attempt's connect, handshake and read wait at most the time left
 * (at least {@value #MIN_ATTEMPT_MILLIS} ms), no backoff sleeps past it, and no retry starts after it. A call that
 * runs into it fails with {@link CacheDeadlineException}.
 */
public final class NodeConnection implements AutoCloseable {
    /**
     * The shortest wait an attempt gets, however near the deadline: a read of a healthy node takes a millisecond or
     * two, and a call may overrun the deadline by at most this.
     */
    static final int MIN_ATTEMPT_MILLIS = 100;

    private final RedisNodes nodes;
    private final HostAndPort node;
    private final int maxRetries;
    private final long backoffMillis;
    /** The time left to the caller's deadline, or null when there is none. */
    private final Supplier<Duration> timeLeft;
    private Jedis jedis;
    /** The read timeout set on {@link #jedis} now. */
    private int soTimeout;
    /** The longest the current attempt may wait for a reply (the configured timeout, or the time left). */
    private int attemptTimeout;
    /** The run_id of the server {@link #jedis} is connected to, asked once per connection; null until then. */
    private String runId;

    /** A connection without a deadline: every reply may take the configured socket timeout, on every retry. */
    public NodeConnection(RedisNodes nodes, HostAndPort node, int maxRetries, long backoffMillis) {
        this(nodes, node, maxRetries, backoffMillis, null);
    }

    /** @param timeLeft the time left to the deadline, asked before every attempt and backoff; null = no deadline */
    public NodeConnection(RedisNodes nodes, HostAndPort node, int maxRetries, long backoffMillis, Supplier<Duration> timeLeft) {
        this.nodes = nodes;
        this.node = node;
        this.maxRetries = maxRetries;
        this.backoffMillis = backoffMillis;
        this.timeLeft = timeLeft;
        this.attemptTimeout = nodes.socketTimeoutMillis();
    }

    public HostAndPort node() {
        return node;
    }

    /**
     * One SCAN step, on the server {@code runId} only. A cursor is stateless on its server, so a retry on a new
     * connection to the same server resumes exactly where it failed; on any other server (a restarted process, a
     * promoted replica behind the same address) it means nothing, and this returns null instead of sending it.
     */
    ScanResult<byte[]> scanOn(String runId, byte[] cursor, int count) {
        ScanParams params = new ScanParams().count(count);
        return withRetry("SCAN", () -> {
            Jedis connection = jedis();
            return runId.equals(runId(connection)) ? connection.scan(cursor, params) : null;
        });
    }

    /** The run_id of the server answering this connection now: it differs for every server process. */
    String serverRunId() {
        return withRetry("INFO server", () -> runId(jedis()));
    }

    private String runId(Jedis connection) {
        if (runId == null) {
            String info = connection.info("server");
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("run_id:")) {
                    runId = line.substring("run_id:".length()).trim();
                }
            }
            if (runId == null || runId.isEmpty()) {
                throw new CacheUnavailableException("INFO server on Redis node " + node + " gave no run_id, so a restart"
                        + " or failover during the scan could not be told; use a server that reports it (Redis 2.4+)", null);
            }
        }
        return runId;
    }

    /** Number of keys on the node, for progress estimates. */
    public long dbSize() {
        return withRetry("DBSIZE", () -> jedis().dbSize());
    }

    /** Reads the values of keys in one pipeline, as the namespace's value type expects them. */
    public List<CachedValue> read(List<byte[]> keys, ValueType type) {
        if (type != ValueType.HASH && !nodes.cluster() && keys.size() > 1) {
            return readStrings(keys);
        }
        return withRetry("read", () -> {
            Pipeline pipeline = jedis().pipelined();
            List<Response<?>> responses = new ArrayList<>(keys.size());
            for (byte[] key : keys) {
                responses.add(type == ValueType.HASH ? pipeline.hgetAll(key) : pipeline.get(key));
            }
            pipeline.sync();
            List<CachedValue> out = new ArrayList<>(keys.size());
            for (Response<?> response : responses) {
                out.add(toValue(response, type));
            }
            return out;
        });
    }

    /**
     * Standalone string reads: one MGET for the batch instead of one GET per key (a tenth of the client's and the
     * server's per-key cost, docs/performance.md). MGET answers nil both for a missing key and for a key of another
     * type, so each nil is asked its TYPE: "none" is a key gone since the scan, anything else is WRONGTYPE (CORRUPT),
     * exactly as a GET would have said. A cluster keeps pipelined GETs: MGET across hash slots fails with CROSSSLOT.
     */
    private List<CachedValue> readStrings(List<byte[]> keys) {
        return withRetry("read", () -> {
            List<byte[]> values;
            try {
                values = jedis().mget(keys.toArray(new byte[0][]));
            } catch (JedisDataException e) {
                throw loading(e) ? e : unavailable(e);
            }
            List<CachedValue> out = new ArrayList<>(keys.size());
            List<Integer> nils = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                byte[] v = values.get(i);
                out.add(v == null ? CachedValue.MISSING : new CachedValue.Text(v));
                if (v == null) {
                    nils.add(i);
                }
            }
            if (!nils.isEmpty()) {
                Pipeline pipeline = jedis().pipelined();
                List<Response<String>> types = new ArrayList<>(nils.size());
                for (int i : nils) {
                    types.add(pipeline.type(keys.get(i)));
                }
                pipeline.sync();
                for (int n = 0; n < nils.size(); n++) {
                    String t = types.get(n).get();
                    if (!"none".equals(t) && !"string".equals(t)) {
                        out.set(nils.get(n), new CachedValue.WrongType("string"));
                    }
                }
            }
            return out;
        });
    }

    /**
     * An AUTH or ACL refusal (WRONGPASS, NOAUTH, "ERR AUTH … without any password configured", NOPERM) as an error
     * that says what to check; any other error reply is rethrown as it is. Retrying cannot help either way. Redis
     * never echoes the password in these replies.
     */
    private RuntimeException refusedAccess(String what, JedisDataException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        String reason;
        if (m.startsWith("NOPERM")) {
            reason = "the ACL user lacks a permission (" + m + "); grant it, e.g. +scan +mget +hgetall +type +dbsize +info";
        } else if (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH")
                || e instanceof redis.clients.jedis.exceptions.JedisAccessControlException) {
            reason = "the server refused authentication (" + m.split(" ", 2)[0] + "); check cache.auth (passwordEnv or"
                    + " secretRef, and username for an ACL user)";
        } else if (m.startsWith("ERR AUTH")) {
            reason = "the server has no password set, but cache.auth gives one; remove cache.auth or set the server's password";
        } else {
            return e;
        }
        return new CacheUnavailableException(what + " on Redis node " + node + ": " + reason, e);
    }

    private CacheUnavailableException unavailable(JedisDataException e) {
        String code = e.getMessage() == null ? "error" : e.getMessage().split(" ", 2)[0];
        return new CacheUnavailableException("read on Redis node " + node + " answered " + code
                + "; the cluster topology may be changing, run again", e);
    }

    @SuppressWarnings("unchecked")
    private CachedValue toValue(Response<?> response, ValueType type) {
        Object value;
        try {
            value = response.get();
        } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE")) {
                return new CachedValue.WrongType(type == ValueType.HASH ? "hash" : "string");
            }
            if (loading(e)) {
                throw e; // retried: a restarted server answers LOADING until its dataset is read
            }
            // MOVED/ASK (a slot migrated or a replica not yet in sync with the topology), CLUSTERDOWN: the node
            // cannot answer for this key now. The batch is reported as not checked, never guessed.
            throw unavailable(e);
        }
        if (value == null) {
            return CachedValue.MISSING;
        }
        if (type == ValueType.HASH) {
            Map<byte[], byte[]> map = (Map<byte[], byte[]>) value;
            return map.isEmpty() ? CachedValue.MISSING : new CachedValue.Hash(map);
        }
        return new CachedValue.Text((byte[]) value);
    }

    /**
     * Runs {@code call} on this node's connection with the reads' reconnect-and-retry, for readers of other value
     * types ({@link CollectionReader}).
     */
    public <T> T withJedis(String what, java.util.function.Function<Jedis, T> call) {
        return withRetry(what, () -> call.apply(jedis()));
    }

    /** {@code LOADING}: the server is reading its dataset (after a restart, or a replica's full resync). */
    private static boolean loading(JedisDataException e) {
        return e.getMessage() != null && e.getMessage().startsWith("LOADING");
    }

    /**
     * Runs a call, reconnecting and retrying on connection errors with doubling backoff; a {@code LOADING} reply is
     * retried on the same connection.
     */
    public <T> T withRetry(String what, Supplier<T> call) {
        RuntimeException last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            long left = millisLeft();
            if (left <= 0) {
                throw deadlineReached(what, attempt, last);
            }
            attemptTimeout = (int) Math.min(nodes.socketTimeoutMillis(), Math.max(MIN_ATTEMPT_MILLIS, left));
            try {
                return call.get();
            } catch (JedisDataException e) {
                if (!loading(e)) {
                    throw refusedAccess(what, e);
                }
                last = e;
            } catch (JedisConnectionException e) {
                last = e;
                closeQuietly();
            }
            if (attempt < maxRetries) {
                sleep(Math.min(backoffMillis << attempt, Math.max(0, millisLeft())));
            }
        }
        if (millisLeft() <= 0) {
            throw deadlineReached(what, maxRetries + 1, last); // the last attempt was cut short by the deadline
        }
        throw new CacheUnavailableException(what + " on Redis node " + node + " failed after " + (maxRetries + 1)
                + " attempts: " + describe(last), last);
    }

    /** The milliseconds left to the deadline; {@link Long#MAX_VALUE} without one. */
    private long millisLeft() {
        return timeLeft == null ? Long.MAX_VALUE : timeLeft.get().toMillis();
    }

    /**
     * No call or retry starts after the deadline: in Lambda it is set so that the shard result can still be
     * written.
     */
    private CacheDeadlineException deadlineReached(String what, int attempts, RuntimeException last) {
        String when = attempts == 0 ? " was not sent: the deadline had passed"
                : " reached the deadline after " + attempts + (attempts == 1 ? " attempt" : " attempts");
        return new CacheDeadlineException(what + " on Redis node " + node + when + (last == null ? "" : " (" + describe(last) + ")"), last);
    }

    /**
     * The root cause of a connection failure and what to check: "connection refused", a timeout, or a TLS
     * certificate the JVM does not trust (the usual cause with a self-managed CA; ElastiCache certificates are
     * trusted by default).
     */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        String what = root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
        if (message.startsWith("LOADING")) {
            return what + "; the server is still reading its dataset (after a restart, or a replica's full resync):"
                    + " run again once it has, or raise check.maxRetries / retryBackoffMillis to wait longer";
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return "TLS handshake failed (" + what + "); the JVM must trust the server's certificate"
                        + " (javax.net.ssl.trustStore), and the URL must name the host the certificate was issued for";
            }
        }
        return what + "; check the node is reachable";
    }

    /** The connection, opened if need be; its reads wait at most the current attempt's timeout. */
    private Jedis jedis() {
        if (jedis == null || !jedis.isConnected() || jedis.isBroken()) {
            closeQuietly();
            jedis = nodes.connect(node, attemptTimeout);
            soTimeout = attemptTimeout;
        } else if (soTimeout != attemptTimeout) {
            jedis.getConnection().setSoTimeout(attemptTimeout);
            soTimeout = attemptTimeout;
        }
        return jedis;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheUnavailableException("interrupted while waiting to retry", e);
        }
    }

    private void closeQuietly() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // the connection is already broken; nothing to release
            }
            jedis = null;
        }
        runId = null; // the next connection may reach another server
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
