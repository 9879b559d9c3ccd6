package io.cachecheck.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.store.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stores baselines as JSON in the run's {@link ObjectStore} (the S3 bucket, or the local output directory):
 * {@code baselines/<runId>.json} plus a pointer {@code baselines/latest.json} holding the latest run id. They live
 * outside {@code runs/}, which the bucket's lifecycle rule expires. The run's document is written before the pointer, so a
 * crash in between leaves the previous latest in place.
 */
public final class ObjectStoreBaselineStore implements BaselineStore {
    static final String PREFIX = "baselines/";
    static final String LATEST = PREFIX + "latest.json";
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore store;

    private ObjectStoreBaselineStore(ObjectStore store) {
        this.store = store;
    }

    public static ObjectStoreBaselineStore create(ObjectStore store) {
        return new ObjectStoreBaselineStore(store);
    }

    @Override
    public Optional<Baseline> load(BaselineSelection selection) {
        if (selection instanceof BaselineSelection.None) {
            return Optional.empty();
        }
        if (selection instanceof BaselineSelection.Run run) {
            byte[] bytes = store.get(key(run.runId())).orElseThrow(() -> new InvalidInputException(
                    "baseline: no baseline for run " + run.runId() + " at " + store.location(key(run.runId()))
                            + "; name a run that saved one, or use latest or none"));
            return Optional.of(BaselineCodec.read(bytes));
        }
        Optional<byte[]> pointer = store.get(LATEST);
        if (pointer.isEmpty()) {
            return Optional.empty();
        }
        String runId = readPointer(pointer.get());
        byte[] bytes = store.get(key(runId)).orElseThrow(() -> new InvalidInputException(
                "baseline: " + LATEST + " points to run " + runId + " but " + key(runId)
                        + " is missing; restore it, or run once with baseline none"));
        return Optional.of(BaselineCodec.read(bytes));
    }

    @Override
    public void save(Baseline baseline, boolean makeLatest) {
        checkRunId(baseline.runId());
        store.put(key(baseline.runId()), BaselineCodec.write(baseline), "application/json");
        if (!makeLatest) {
            return;
        }
        ObjectNode pointer = JSON.createObjectNode();
        pointer.put("version", Baseline.FORMAT_VERSION);
        pointer.put("runId", baseline.runId());
        pointer.put("createdAt", baseline.createdAt().toString());
        try {
            store.put(LATEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(pointer), "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Most baseline objects {@link #recent} lists: S3 lists in key order, 1,000 a request, so this bounds the requests
     * (20) whatever the bucket holds. With more baselines stored, the listing covers the first 20,000 keys in key order
     * and {@link RecentBaselines#listingCapped()} says so.
     */
    public static final int MAX_LISTED = 20_000;

    /**
     * Most bytes {@link #recent} reads in all (the documents are streamed, one at a time): a 10,000-tenant baseline is
     * about 13 MB, so 12 of them fit; larger ones leave the older points out, and {@link RecentBaselines} says so.
     */
    public static final long MAX_TREND_BYTES = 256L * 1024 * 1024;

    /**
     * The scores of the {@code max} most recent baselines saved no later than {@code notAfter} (a run's report
     * regenerated later shows the trend as it was at that run), oldest first, per requested tenant too. Reads at most
     * {@code max} documents and {@link #MAX_TREND_BYTES}; a document that cannot be read is counted in
     * {@link RecentBaselines#unreadable()} and left out, never guessed.
     */
    public RecentBaselines recent(int max, Instant notAfter, Set<String> tenants) {
        List<ObjectStore.Listed> listed = new ArrayList<>(store.list(PREFIX, MAX_LISTED));
        boolean capped = listed.size() >= MAX_LISTED;
        listed.removeIf(o -> o.key().equals(LATEST) || !o.key().endsWith(".json") || o.key().indexOf('/', PREFIX.length()) >= 0);
        int found = listed.size();
        // A baseline is saved by its run's Aggregate, just before the run finishes: a minute's slack covers clock skew
        // between the store and the run; the run's own creation time decides below.
        Instant written = notAfter.plus(Duration.ofMinutes(1));
        listed.removeIf(o -> o.lastModified() != null && o.lastModified().isAfter(written));
        listed.sort(Comparator.comparing(ObjectStore.Listed::lastModified, Comparator.nullsFirst(Comparator.naturalOrder()))
                .reversed());
        List<BaselineScores> out = new ArrayList<>();
        int unreadable = 0;
        int tooLarge = 0;
        long bytes = 0;
        for (ObjectStore.Listed o : listed.subList(0, Math.min(max, listed.size()))) {
            if (bytes + o.size() > MAX_TREND_BYTES) {
                tooLarge++;
                continue;
            }
            bytes += o.size();
            try {
                BaselineScores b = BaselineScores.read(store.get(o.key()).orElseThrow(() -> new InvalidInputException("gone")),
                        tenants);
                if (!b.createdAt().isAfter(notAfter)) {
                    out.add(b);
                }
            } catch (InvalidInputException e) {
                unreadable++;
            }
        }
        out.sort(Comparator.comparing(BaselineScores::createdAt).thenComparing(BaselineScores::runId));
        return new RecentBaselines(out, found, capped, unreadable, tooLarge);
    }

    /** The object key of a run's baseline. */
    public static String key(String runId) {
        return PREFIX + runId + ".json";
    }

    /** Run ids become object keys, so only safe characters are allowed (no '/', no '..'). */
    static void checkRunId(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches() || runId.contains("..") || runId.equals("latest")) {
            throw new InvalidInputException("baseline: run id '" + runId + "' is not usable as a baseline name; use 1-128 letters, digits,"
                    + " '.', '_', ':' or '-', starting with a letter or digit");
        }
    }

    private static String readPointer(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.hasNonNull("runId")) {
                throw new InvalidInputException("baseline: " + LATEST + " has no runId; delete it or run once with baseline none");
            }
            String runId = node.get("runId").asText();
            checkRunId(runId);
            return runId;
        } catch (IOException e) {
            throw new InvalidInputException("baseline: " + LATEST + " is not JSON; delete it or run once with baseline none");
        }
    }
}
