package io.cachecheck.baseline;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.error.InvalidInputException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares a run with the previous baseline: which drift is new (a regression), which persists (keeping the date it
 * was first seen) and which is resolved, and which tenant/namespace scores dropped by more than a tolerance. Builds
 * the run's own baseline, carrying first-seen dates forward.
 */
public final class BaselineComparator {
    private static final Comparator<DriftedKey> ORDER = Comparator
            .comparing((DriftedKey k) -> Objects.toString(k.tenant(), ""))
            .thenComparing(k -> Objects.toString(k.namespace(), ""))
            .thenComparing(DriftedKey::key);
    private static final Comparator<NamespaceFigures> FIGURE_ORDER = Comparator
            .comparing(NamespaceFigures::tenant).thenComparing(NamespaceFigures::namespace);
    /** Scores are ratios of counts; this absorbs floating-point noise when a drop equals the tolerance. */
    private static final double EPSILON = 1e-12;

    private BaselineComparator() {
    }

    /**
     * @param previous      the selected baseline, or null for none
     * @param current       this run (keys already redacted if redaction is on)
     * @param scoreTolerance how far (0..1) a tenant/namespace score may drop before it is a regression
     */
    public static Comparison compare(Baseline previous, RunSnapshot current, double scoreTolerance) {
        if (!(scoreTolerance >= 0.0 && scoreTolerance <= 1.0)) {
            throw new InvalidInputException("scoreTolerance " + scoreTolerance + " is out of range; use a value from 0 to 1");
        }
        String note = null;
        Baseline keyBaseline = previous;
        if (previous != null && !previous.keyScheme().equals(current.keyScheme())) {
            note = "baseline " + previous.runId() + " writes keys as " + previous.keyScheme() + " but this run as "
                    + current.keyScheme() + "; drifted keys were not compared and first-seen dates restart";
            keyBaseline = null;
        }

        // Samples are nested (a smaller fraction's keys are part of every larger one's), so a key drifting now is known
        // to be new only when the baseline knows at least the keys this run checked (docs/scale.md, "Sampling").
        boolean newDriftKnowable = previous == null || previous.sample() >= current.sample();
        if (keyBaseline != null && !newDriftKnowable) {
            note = "baseline " + previous.runId() + " checked a sample of " + previous.sample() + " of the keys and this run "
                    + current.sample() + "; drift in keys outside that sample is not called new (no NEW_DRIFT regression)";
        }

        Map<DriftedKey.Id, DriftedKey> before = new LinkedHashMap<>();
        if (keyBaseline != null) {
            keyBaseline.drifted().forEach(k -> before.putIfAbsent(k.id(), k));
        }

        List<Regression> regressions = new ArrayList<>();
        List<DriftedKey> persistent = new ArrayList<>();
        Map<DriftedKey.Id, DriftedKey> now = new LinkedHashMap<>();
        Set<DriftedKey.Id> inFlight = new HashSet<>();
        for (Finding f : current.findings()) {
            DriftedKey.Id id = new DriftedKey.Id(f.tenant(), f.namespace(), f.key(), f.cell());
            if (f.driftClass() == DriftClass.IN_FLIGHT) {
                inFlight.add(id);
                continue;
            }
            if (!f.driftClass().isDrift() || now.containsKey(id)) {
                continue;
            }
            DriftedKey old = before.get(id);
            DriftedKey key = old != null
                    ? new DriftedKey(f.tenant(), f.namespace(), f.key(), f.driftClass(), old.firstSeen(), old.firstSeenRunId(), f.cell())
                    : new DriftedKey(f.tenant(), f.namespace(), f.key(), f.driftClass(),
                            f.observedAt() != null ? f.observedAt() : current.createdAt(), current.runId(), f.cell());
            now.put(id, key);
            if (old != null) {
                persistent.add(key);
            } else if (keyBaseline != null && newDriftKnowable) {
                regressions.add(Regression.newDrift(key));
            }
        }

        Map<NamespaceFigures.Id, TenantNamespaceResult> checked = new LinkedHashMap<>();
        for (TenantNamespaceResult r : current.results()) {
            checked.put(new NamespaceFigures.Id(r.tenant(), r.namespace()), r);
        }
        List<DriftedKey> resolved = new ArrayList<>();
        List<DriftedKey> unverified = new ArrayList<>();
        for (DriftedKey old : before.values()) {
            if (now.containsKey(old.id())) {
                continue;
            }
            if (!inFlight.contains(old.id()) && verifiable(old, current, checked)) {
                resolved.add(old);
            } else {
                unverified.add(old);
            }
        }

        List<NamespaceFigures> figures = new ArrayList<>();
        Map<NamespaceFigures.Id, NamespaceFigures> previousFigures = new LinkedHashMap<>();
        if (previous != null) {
            previous.namespaces().forEach(n -> previousFigures.put(n.id(), n));
        }
        Set<NamespaceFigures.Id> kept = new HashSet<>();
        for (TenantNamespaceResult r : current.results()) {
            NamespaceFigures fig = NamespaceFigures.of(r);
            NamespaceFigures old = previousFigures.get(fig.id());
            if (current.isSampled()) {
                // A sample's score is an estimate: it neither replaces exact figures nor is compared as if exact
                // (kept as not complete, so no later run reads a score drop against it). Its interval is in the
                // audit log, and the gate compares the upper bound.
                NamespaceFigures kept0 = old != null ? old : new NamespaceFigures(fig.tenant(), fig.namespace(),
                        fig.keysChecked(), fig.consistent(), fig.stale(), fig.orphan(), fig.corrupt(), fig.inFlight(),
                        fig.score(), fig.cacheDigest(), fig.sourceDigest(), false);
                figures.add(kept0);
                kept.add(kept0.id());
                continue;
            }
            if (!fig.complete() && old != null) {
                // A partly checked tenant/namespace says nothing reliable about its score: the unchecked part may
                // hold all of its drift, or none. So it is neither compared nor allowed to replace what is known.
                figures.add(old);
                kept.add(old.id());
                continue;
            }
            figures.add(fig);
            kept.add(fig.id());
            if (old != null && fig.complete() && old.complete() && old.score() - fig.score() > scoreTolerance + EPSILON) {
                regressions.add(Regression.scoreDrop(old, fig));
            }
        }
        // tenants/namespaces outside this run's scope keep their last known figures, so a partial run does not
        // make the next full run look like a first run for them
        for (NamespaceFigures old : previousFigures.values()) {
            if (!kept.contains(old.id())) {
                figures.add(old);
            }
        }
        figures.sort(FIGURE_ORDER);

        // The share of keys whose state the new baseline knows: a sample built on a baseline keeps that baseline's
        // knowledge of the keys outside the sample (carried as unverified), so a sample on top of a full run still
        // knows every key, and the next full run can still call drift new.
        double known = keyBaseline == null ? current.sample() : Math.max(keyBaseline.sample(), current.sample());
        List<DriftedKey> drifted = new ArrayList<>(now.values());
        drifted.addAll(unverified);
        drifted.sort(ORDER);
        persistent.sort(ORDER);
        resolved.sort(ORDER);
        unverified.sort(ORDER);
        Baseline next = new Baseline(Baseline.FORMAT_VERSION, current.runId(), current.createdAt(), current.keyScheme(),
                figures, drifted, known);
        return new Comparison(keyBaseline == null ? null : keyBaseline.runId(), note, regressions, persistent, resolved,
                unverified, next);
    }

    /** A key that is gone from the findings proves it is resolved only if its part of the keyspace was fully checked. */
    private static boolean verifiable(DriftedKey old, RunSnapshot current, Map<NamespaceFigures.Id, TenantNamespaceResult> checked) {
        if (current.findingsTruncated() || current.isSampled()) {
            // a sampled run did not look at most keys: a drifted key it did not report may simply be outside the sample
            return false;
        }
        if (old.driftClass() == DriftClass.UNMAPPED) {
            // only a complete run over all tenants looks at every key; a tenant-scoped run reports no UNMAPPED keys
            return current.complete() && current.unmappedChecked();
        }
        TenantNamespaceResult r = checked.get(new NamespaceFigures.Id(old.tenant(), old.namespace()));
        return r != null && r.complete();
    }
}
