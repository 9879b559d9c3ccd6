package io.cachecheck.check;

import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Namespace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The race defence: a key that differed at first look is left for the grace period, then looked at again, and only
 * that second look counts. Suspects wait in arrival order; re-checks run as batches on the worker threads. A suspect
 * whose versions prove that no write was in flight ({@link #provenSettled}) is looked at again at once, without the
 * wait.
 */
final class Rechecker {
    /** A key that differed at first look, waiting for the grace period to pass. */
    record Suspect(ScannedKey key, Group group, DriftClass firstClass, byte[] firstCacheDigest,
                   byte[] firstSourceDigest, boolean rowExisted, Instant observedAt) {
    }

    /**
     * Whether a key that differs at first look provably had no write in flight, so that waiting out the grace period
     * cannot change its class: the namespace maps a version, the row's version is a timestamp older than the first
     * look by more than {@code graceMillis}, and the cached value carries a version no newer than the row's (a cache
     * ahead of its row may be a write whose commit is still to come). Only a STALE first look qualifies: an ORPHAN
     * has no row (a delete leaves no version behind, and its invalidation may still be on its way), and a CORRUPT
     * value has no readable cached version. This trusts the writers' clocks to be within {@code graceMillis} of the
     * validator's (docs/contract.md, "Race defence").
     */
    static boolean provenSettled(Namespace ns, Outcome first, Instant observedAt, long graceMillis) {
        return ns.version() != null && first.driftClass == DriftClass.STALE && first.cacheVersion != null
                && first.versionOrder >= 0 && first.sourceVersionInstant != null
                && first.sourceVersionInstant.isBefore(observedAt.minusMillis(graceMillis));
    }

    private final RunContext run;
    private final CheckSettings settings;
    private final Clock clock;
    private final BatchLooker looker;
    private final Classifier classifier;
    private final ArrayDeque<Suspect> suspects = new ArrayDeque<>();
    /** Suspects proven settled ({@link #provenSettled}): re-checked at the next {@link #recheckDue}, with no wait. */
    private final ArrayDeque<Suspect> settled = new ArrayDeque<>();
    /** Written by the scanning thread only. */
    private long waitMillis;

    Rechecker(RunContext run, BatchLooker looker, Classifier classifier) {
        this.run = run;
        this.settings = run.settings();
        this.clock = run.clock();
        this.looker = looker;
        this.classifier = classifier;
    }

    /** Queues keys that differed at first look; {@code settledNow} are re-checked without waiting. */
    void add(List<Suspect> differing, List<Suspect> settledNow) {
        if (!differing.isEmpty() || !settledNow.isEmpty()) {
            synchronized (suspects) {
                suspects.addAll(differing);
                settled.addAll(settledNow);
            }
        }
    }

    /**
     * At a checkpoint, when no batch is running: hands over every suspect still waiting for its re-check, with its
     * first look, in arrival order. None is re-checked here; the continuation re-checks each one ({@link #restore}).
     */
    List<Checkpoint.PendingSuspect> drain() {
        List<Checkpoint.PendingSuspect> out = new ArrayList<>();
        synchronized (suspects) {
            settled.forEach(s -> out.add(pending(s, true)));
            suspects.forEach(s -> out.add(pending(s, false)));
            settled.clear();
            suspects.clear();
        }
        return out;
    }

    private static Checkpoint.PendingSuspect pending(Suspect s, boolean settledNow) {
        return new Checkpoint.PendingSuspect(KeyBatcher.pendingKey(s.group(), s.key()), s.firstClass(),
                s.firstCacheDigest(), s.firstSourceDigest(), s.rowExisted(), s.observedAt(), settledNow);
    }

    /** Queues the suspects a checkpoint handed over, as they were: their grace periods run from their first look. */
    void restore(List<Checkpoint.PendingSuspect> pending) {
        List<Suspect> waiting = new ArrayList<>();
        List<Suspect> settledNow = new ArrayList<>();
        for (Checkpoint.PendingSuspect p : pending) {
            Suspect s = new Suspect(KeyBatcher.scannedKey(p.key()), new Group(p.key().tenant(), p.key().namespace()),
                    p.firstClass(), p.firstCacheDigest(), p.firstSourceDigest(), p.rowExisted(), p.observedAt());
            (p.settled() ? settledNow : waiting).add(s);
        }
        add(waiting, settledNow);
    }

    /** Adds the wait of earlier invocations (from a checkpoint). */
    void addWaitMillis(long millis) {
        waitMillis += millis;
    }

    /** How long the run waited for the last grace periods to pass. */
    long waitMillis() {
        return waitMillis;
    }

    /** Re-checks suspects whose grace period has passed; with {@code all}, waits for and re-checks every one. */
    void recheckDue(boolean all) {
        List<Suspect> due = new ArrayList<>();
        List<Suspect> dueNow = new ArrayList<>();
        Instant now = clock.instant();
        synchronized (suspects) {
            dueNow.addAll(settled);
            settled.clear();
            boolean overflow = suspects.size() > settings.maxBufferedKeys();
            while (!suspects.isEmpty()) {
                Suspect s = suspects.peekFirst();
                boolean ripe = !s.observedAt().plusMillis(settings.graceMillis()).isAfter(now);
                if (!(ripe || all || overflow)) {
                    break;
                }
                due.add(suspects.pollFirst());
                overflow = suspects.size() > settings.maxBufferedKeys();
            }
        }
        submit(due, true);
        submit(dueNow, false);
    }

    /** Re-checks suspects as batches per group; {@code wait}: each batch first waits out its grace periods. */
    private void submit(List<Suspect> due, boolean wait) {
        if (due.isEmpty()) {
            return;
        }
        Map<Group, List<Suspect>> groups = new LinkedHashMap<>();
        for (Suspect s : due) {
            groups.computeIfAbsent(s.group(), g -> new ArrayList<>()).add(s);
        }
        for (Map.Entry<Group, List<Suspect>> e : groups.entrySet()) {
            List<Suspect> list = e.getValue();
            int batchSize = settings.batchSize(run.contract().namespaces().get(e.getKey().namespace()).valueType());
            for (int from = 0; from < list.size(); from += batchSize) {
                List<Suspect> batch = list.subList(from, Math.min(list.size(), from + batchSize));
                run.tasks().submit(() -> recheck(e.getKey(), batch, wait));
            }
        }
    }

    /**
     * After the scan: waits out the youngest waiting suspect's grace period (up to the deadline), then re-checks all.
     * Suspects proven settled add no wait.
     */
    void recheckRemaining() {
        Instant last;
        synchronized (suspects) {
            last = suspects.isEmpty() ? null : suspects.peekLast().observedAt();
        }
        if (last != null) {
            long wait = run.deadline().cap(Duration.between(clock.instant(), last.plusMillis(settings.graceMillis())).toMillis());
            if (wait > 0) {
                waitMillis += wait;
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        recheckDue(true);
    }

    /** Second look after the grace period (or at once, without {@code wait}): only now does a difference count. */
    private void recheck(Group group, List<Suspect> batch, boolean waitGrace) {
        Namespace ns = run.contract().namespaces().get(group.namespace());
        ShardTally tally = run.tally();
        // Wait out the rest of the grace period of the youngest suspect in this batch.
        Instant ripeAt = batch.get(batch.size() - 1).observedAt().plusMillis(settings.graceMillis());
        long wait = waitGrace ? Duration.between(clock.instant(), ripeAt).toMillis() : 0;
        if (wait > 0 && run.deadline().allows(wait)) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (run.deadline().passed()) {
            tally.skipGroup(group, batch.size(), "deadline: differing keys not re-checked");
            return;
        }
        List<ScannedKey> keys = new ArrayList<>(batch.size());
        batch.forEach(s -> keys.add(s.key()));
        Lookup look = looker.lookOrSkip(group, keys, "re-check");
        if (look == null) {
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Suspect first = batch.get(i);
            ScannedKey key = first.key();
            if (looker.refused(group, key, look)) {
                continue;
            }
            Outcome now = classifier.classify(ns, look, i, key);
            if (now.driftClass == null) {
                tally.expired(group, key);
                continue;
            }
            if (now.driftClass == DriftClass.CONSISTENT) {
                tally.consistent(group, key, now);
                continue;
            }
            Outcome outcome = secondLook(ns, first, now);
            tally.differs(group, key, outcome, new Finding(group.tenant(), ns.name(), KeyText.display(key.key()), outcome.driftClass,
                    outcome.reason, outcome.fields, Canonicalizer.hex(outcome.cacheDigest),
                    Canonicalizer.hex(outcome.sourceDigest), Canonicalizer.hex(outcome.valueDigest),
                    outcome.cacheVersion, outcome.sourceVersion, first.observedAt()));
        }
    }

    /** The class a key that still differs ends with: IN_FLIGHT when it changed or a write is in progress. */
    private Outcome secondLook(Namespace ns, Suspect first, Outcome now) {
        // compared on the canonical digest: a writer that rewrites a stale value, changing only an ignored
        // field (e.g. cachedAt), has not changed what is compared and must not make it IN_FLIGHT forever
        boolean changed = !Arrays.equals(first.firstCacheDigest(), now.cacheDigest)
                || now.rowExists != first.rowExisted()
                || !Arrays.equals(first.firstSourceDigest(), now.sourceDigest);
        // A source version from the future (an application writing local time into a zone-less column, or
        // a placeholder date) is no proof of a write in progress: beyond the grace period it stays STALE.
        boolean futureVersion = now.sourceVersionInstant != null
                && now.sourceVersionInstant.isAfter(clock.instant().plusMillis(settings.graceMillis()));
        boolean freshWrite = now.driftClass == DriftClass.STALE && now.versionOrder > 0 && now.sourceVersionInstant != null
                && now.sourceVersionInstant.isAfter(first.observedAt().minusMillis(settings.graceMillis()))
                && !futureVersion;
        Outcome outcome = changed || freshWrite ? now.as(DriftClass.IN_FLIGHT, changed ? "changed-during-check" : "source-version-newer") : now;
        if (outcome.driftClass == DriftClass.STALE && futureVersion) {
            outcome.reason = outcome.reason + "; source-version-in-the-future: " + outcome.sourceVersion;
        }
        if (outcome.driftClass == DriftClass.STALE && ns.version() != null && outcome.cacheVersion == null) {
            // Say so when the version rule could not apply: usually a typo in version.field, which would
            // otherwise switch that part of the race defence off without a trace.
            outcome.reason = outcome.reason + "; version-field-absent: " + ns.version().field();
        }
        return outcome;
    }
}
