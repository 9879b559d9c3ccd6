package io.cachecheck.check;

import io.cachecheck.contract.Namespace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The first look at a batch: a key that agrees is counted at once, a key that is gone is counted as expired, and a
 * key that differs goes to the {@link Rechecker}, since only its second look counts: after the grace period, or at
 * once when its versions prove that no write was in flight.
 */
final class FirstLook {
    private final RunContext run;
    private final BatchLooker looker;
    private final Classifier classifier;
    private final Rechecker rechecker;

    FirstLook(RunContext run, BatchLooker looker, Classifier classifier, Rechecker rechecker) {
        this.run = run;
        this.looker = looker;
        this.classifier = classifier;
        this.rechecker = rechecker;
    }

    /** First look at a batch of keys of one tenant and namespace. */
    void check(Group group, List<ScannedKey> keys) {
        if (run.deadline().passed()) {
            run.tally().skipGroup(group, keys.size(), "deadline: batch not checked");
            return;
        }
        Lookup look = looker.lookOrSkip(group, keys, "batch");
        if (look != null) {
            classify(group, keys, look);
        }
    }

    /** First look at several small groups of one namespace, read and looked up together. */
    void checkParts(List<Map.Entry<Group, List<ScannedKey>>> parts) {
        if (run.deadline().passed()) {
            looker.skipParts(parts, "deadline: batch not checked");
            return;
        }
        List<Lookup> looks = looker.lookPartsOrSkip(parts);
        if (looks == null) {
            return;
        }
        for (int p = 0; p < parts.size(); p++) {
            classify(parts.get(p).getKey(), parts.get(p).getValue(), looks.get(p));
        }
    }

    private void classify(Group group, List<ScannedKey> keys, Lookup look) {
        Namespace ns = run.contract().namespaces().get(group.namespace());
        ShardTally tally = run.tally();
        Instant now = run.clock().instant();
        List<Rechecker.Suspect> differing = new ArrayList<>();
        List<Rechecker.Suspect> settled = new ArrayList<>(0);
        long grace = run.settings().graceMillis();
        List<ScannedKey> agreeing = new ArrayList<>(keys.size());
        List<Outcome> agreed = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            ScannedKey key = keys.get(i);
            if (looker.refused(group, key, look)) {
                continue;
            }
            Outcome o = classifier.classify(ns, look, i, key);
            if (o.driftClass == null) {
                tally.expired(group, key);
            } else if (o.driftClass == DriftClass.CONSISTENT) {
                agreeing.add(key);
                agreed.add(o);
            } else {
                Rechecker.Suspect suspect = new Rechecker.Suspect(key, group, o.driftClass, o.cacheDigest, o.sourceDigest, o.rowExists, now);
                (Rechecker.provenSettled(ns, o, now, grace) ? settled : differing).add(suspect);
            }
        }
        tally.consistent(group, agreeing, agreed);
        rechecker.add(differing, settled);
    }
}
