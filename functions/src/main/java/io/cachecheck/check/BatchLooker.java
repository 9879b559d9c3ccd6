package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;
import io.cachecheck.error.CacheDeadlineException;
import io.cachecheck.error.CacheUnavailableException;
import io.cachecheck.error.ContractException;
import io.cachecheck.error.SourceDeadlineException;
import io.cachecheck.error.SourceUnavailableException;
import io.cachecheck.source.JdbcSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Takes one look at a batch, cache side ({@link CacheReader}) then source side ({@link SourceLookup}), and turns a
 * failure into what the run does about it: an unavailable cache or source skips the batch (INCOMPLETE, with the
 * reason), a contract error stops the run.
 */
final class BatchLooker {
    private final Contract contract;
    private final CacheReader cache;
    private final SourceLookup source;
    private final ShardTally tally;
    private final BatchTasks tasks;
    private final Observer observer;

    /** Sees every look taken, before its keys are classified ({@link KeyProbe}); validate runs have none. */
    interface Observer {
        void looked(String stage, Group group, List<ScannedKey> keys, Lookup look);
    }

    BatchLooker(RunContext run, CacheReader cache, SourceLookup source) {
        this(run, cache, source, null);
    }

    BatchLooker(RunContext run, CacheReader cache, SourceLookup source, Observer observer) {
        this.contract = run.contract();
        this.cache = cache;
        this.source = source;
        this.tally = run.tally();
        this.tasks = run.tasks();
        this.observer = observer;
    }

    /** The look at one group's batch, or null when it cannot be checked (skipped, or the run stopped). */
    Lookup lookOrSkip(Group group, List<ScannedKey> keys, String stage) {
        try {
            Namespace ns = contract.namespaces().get(group.namespace());
            List<CachedValue> values = cache.read(ns, keys);
            JdbcSource.Fetched fetched = source.fetch(group, keys);
            Lookup look = new Lookup(values, fetched);
            if (observer != null) {
                observer.looked(stage, group, keys, look);
            }
            return look;
        } catch (CacheUnavailableException | SourceUnavailableException e) {
            tally.skipGroup(group, keys.size(), unavailable(e, stage));
        } catch (ContractException e) {
            tasks.fail(e);
        }
        return null;
    }

    /**
     * The looks at several small groups of one namespace, read and looked up together (one per part, in order), or
     * null when they cannot be checked: then every part is skipped, or the run stopped.
     */
    List<Lookup> lookPartsOrSkip(List<Map.Entry<Group, List<ScannedKey>>> parts) {
        Namespace ns = contract.namespaces().get(parts.get(0).getKey().namespace());
        List<ScannedKey> all = new ArrayList<>();
        for (Map.Entry<Group, List<ScannedKey>> part : parts) {
            all.addAll(part.getValue());
        }
        List<CachedValue> values;
        List<JdbcSource.Fetched> fetched;
        try {
            values = cache.read(ns, all);
            fetched = source.fetchParts(parts);
        } catch (CacheUnavailableException | SourceUnavailableException e) {
            skipParts(parts, unavailable(e, "batch"));
            return null;
        } catch (ContractException e) {
            tasks.fail(e);
            return null;
        }
        List<Lookup> out = new ArrayList<>(parts.size());
        int offset = 0;
        for (int p = 0; p < parts.size(); p++) {
            int size = parts.get(p).getValue().size();
            out.add(new Lookup(values.subList(offset, offset + size), fetched.get(p)));
            if (observer != null) {
                observer.looked("batch", parts.get(p).getKey(), parts.get(p).getValue(), out.get(p));
            }
            offset += size;
        }
        return out;
    }

    void skipParts(List<Map.Entry<Group, List<ScannedKey>>> parts, String reason) {
        for (Map.Entry<Group, List<ScannedKey>> part : parts) {
            tally.skipGroup(part.getKey(), part.getValue().size(), reason);
        }
    }

    /** True (and the key reported UNMAPPED) when the source refused the key's value for its column. */
    boolean refused(Group group, ScannedKey key, Lookup look) {
        String state = look.rejectedState(key);
        if (state == null) {
            return false;
        }
        // the key matches the pattern, but its value is not valid for the key column (docs/contract.md)
        tally.rejected(group, key, "key-value-rejected-by-source (SQLState " + state + ")");
        return true;
    }

    private static String unavailable(RuntimeException e, String stage) {
        if (e instanceof SourceDeadlineException || e instanceof CacheDeadlineException) {
            return "deadline: " + stage + " stopped (" + e.getMessage() + ")";
        }
        return (e instanceof CacheUnavailableException ? "cache-unavailable" : "source-unavailable")
                + ": " + stage + " failed after retries (" + e.getMessage() + ")";
    }
}
