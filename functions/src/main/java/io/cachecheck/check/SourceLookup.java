package io.cachecheck.check;

import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.source.JdbcSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Looks up the source rows of a batch: one query per (tenant, namespace) group, or one for several small groups of
 * a namespace. Each thread has its own source connection; every query stops at the shard's deadline.
 */
final class SourceLookup implements AutoCloseable {
    private final Contract contract;
    private final List<JdbcSource> all = new CopyOnWriteArrayList<>();
    private final ThreadLocal<JdbcSource> source;
    private final ReadThrottle throttle;

    SourceLookup(Contract contract, SecretResolver secrets, Deadline deadline) {
        this(contract, secrets, deadline, ReadThrottle.NONE);
    }

    /** @param throttle every lookup statement counts against the item's source-query cap */
    SourceLookup(Contract contract, SecretResolver secrets, Deadline deadline, ReadThrottle throttle) {
        this.contract = contract;
        this.throttle = throttle;
        CheckSettings s = contract.check();
        this.source = ThreadLocal.withInitial(() -> {
            JdbcSource js = new JdbcSource(contract.source(), secrets, s.maxRetries(), s.retryBackoffMillis(), deadline.timeLeft(),
                    s.maxMembers());
            all.add(js);
            return js;
        });
    }

    /** The rows of one group's keys, and the keys whose values the source refused. */
    JdbcSource.Fetched fetch(Group group, List<ScannedKey> keys) {
        Namespace ns = contract.namespaces().get(group.namespace());
        throttle.sourceQuery();
        return source.get().fetch(ns, contract.tenants().placeholder(), group.tenant(), keyValues(keys));
    }

    /** The rows of several small groups of one namespace, in one statement; one {@link JdbcSource.Fetched} per part. */
    List<JdbcSource.Fetched> fetchParts(List<Map.Entry<Group, List<ScannedKey>>> parts) {
        Namespace ns = contract.namespaces().get(parts.get(0).getKey().namespace());
        List<String> tenants = new ArrayList<>(parts.size());
        List<List<String[]>> keyValues = new ArrayList<>(parts.size());
        for (Map.Entry<Group, List<ScannedKey>> part : parts) {
            tenants.add(part.getKey().tenant());
            keyValues.add(keyValues(part.getValue()));
        }
        throttle.sourceQuery();
        return source.get().fetchParts(ns, contract.tenants().placeholder(), tenants, keyValues);
    }

    private static List<String[]> keyValues(List<ScannedKey> keys) {
        List<String[]> out = new ArrayList<>(keys.size());
        for (ScannedKey key : keys) {
            out.add(key.keyValues());
        }
        return out;
    }

    @Override
    public void close() {
        all.forEach(JdbcSource::close);
    }
}
