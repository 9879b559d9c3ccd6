package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.KeyLists;
import io.cachecheck.check.NodeScanRecord;
import io.cachecheck.check.Checkpoint;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.ProgressListener;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.check.Verdict;
import io.cachecheck.config.Settings;
import io.cachecheck.contract.Cells;
import io.cachecheck.contract.Contract;
import io.cachecheck.error.ContractException;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.redact.KeySealer;

import java.io.IOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks one work item, stores the full {@link ShardResult} under {@code runs/<runId>/shards/<shardId>.json} (as a
 * {@link StoredShardResult}: keys redacted and the real ones sealed when redaction is on) and
 * returns a {@link ShardSummary} small enough for the state machine whatever the number of findings.
 *
 * <p>An item too large for one invocation is checked in several: when the invocation's budget runs out, the check
 * stops scanning, stores a {@link Checkpoint} under {@code runs/<runId>/checkpoints/<shardId>/<n>.json} and returns
 * a summary whose {@code checkpoint} names it; the state machine invokes ValidateShard again with that reference
 * until a summary comes back without one (docs/workflow.md, "Continuations").
 */
public final class ValidateShard {
    private final WorkflowEnvironment env;
    private final ResumableChecker checker;

    /** Runs the engine on one item, never pausing; replaced in tests. */
    @FunctionalInterface
    public interface Checker {
        ShardResult check(Contract contract, ShardWorkItem item, Set<String> activeTenants, Instant deadline,
                          ProgressListener progress);
    }

    /** Runs the engine on one item or a part of it, from and to checkpoints. */
    @FunctionalInterface
    public interface ResumableChecker {
        ShardValidator.Step check(Contract contract, ShardWorkItem item, Set<String> activeTenants, Instant deadline,
                                  ProgressListener progress, ShardValidator.Resume resume);
    }

    public ValidateShard(WorkflowEnvironment env) {
        this(env, (ResumableChecker) (contract, item, active, deadline, progress, resume) ->
                // Redis nodes are resolved per invocation: connections never outlive it (SnapStart-safe). The
                // cluster topology read waits at most until the deadline, like every later read.
                new ShardValidator(contract, RedisNodes.discover(contract.cache(), env.secrets(), millisUntil(env, deadline)),
                        env.secrets()).validate(item, active, deadline, progress, resume, storedKeys(env, item)));
    }

    /** The scan phase's key lists for the item, or null when the item SCANs its node itself. */
    static KeyLists storedKeys(WorkflowEnvironment env, ShardWorkItem item) {
        if (item.keysFrom() == null) {
            return null;
        }
        StoredKeyLists lists = new StoredKeyLists(env.store(), item.keysFrom(), env.redactor().sealer());
        // A node too large for one scan invocation: its items SCAN it themselves, with checkpoints and continuations,
        // as without the scan phase (docs/scale.md, "One scan per key"), so it is still checked completely.
        return lists.record().map(NodeScanRecord::ranOutOfTime).orElse(false) ? null : lists;
    }

    public ValidateShard(WorkflowEnvironment env, Checker checker) {
        this(env, (ResumableChecker) (contract, item, active, deadline, progress, resume) ->
                new ShardValidator.Step(checker.check(contract, item, active, deadline, progress), null));
    }

    private static int millisUntil(WorkflowEnvironment env, Instant deadline) {
        long millis = java.time.Duration.between(env.clock().instant(), deadline).toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }

    public ValidateShard(WorkflowEnvironment env, ResumableChecker checker) {
        this.env = env;
        this.checker = checker;
    }

    /** @param checkpoint null for the item's first invocation; else the checkpoint to continue from */
    public record Request(String runId, ShardWorkItem item, CheckpointRef checkpoint) {
        public Request(String runId, ShardWorkItem item) {
            this(runId, item, null);
        }
    }

    /**
     * @param remainingMillis time left before the caller is killed (Lambda's remaining time); the check returns a
     *                        checkpoint {@code CACHECHECK_CHECKPOINT_RESERVE_SECONDS} before its deadline, which is a
     *                        safety margin before this, and reports INCOMPLETE at the deadline
     */
    public ShardSummary validate(Request request, long remainingMillis) {
        String runId = RunIds.check("runId", request.runId());
        ShardWorkItem item = request.item();
        if (item == null) {
            throw new InvalidInputException("item: is required; pass one element of DiscoverShards' shards");
        }
        RunIds.check("item.shardId", item.shardId());
        if (item.tenantsRef() != null) {
            item = item.withTenants(storedTenants(item.tenantsRef(), RunIds.workTenantsKey(runId, item.shardId()),
                    "item.tenantsRef"));
        }
        if (item.keysFrom() != null) {
            String root = RunIds.keysRoot(runId);
            String scanId = item.keysFrom().startsWith(root) ? item.keysFrom().substring(root.length()) : "";
            if (scanId.isEmpty() || scanId.contains("/")) {
                throw new InvalidInputException("item.keysFrom: '" + item.keysFrom() + "' is not one of this run's key"
                        + " lists (" + root + "<scanId>, as written by DiscoverShards); re-run DiscoverShards");
            }
            RunIds.check("item.keysFrom", scanId);
        }
        Contract template = env.contract();
        if (template.cells() && item.cell() == null) {
            throw new InvalidInputException("item.cell: is required by a cell contract (cache or source per cell); pass an"
                    + " item as DiscoverShards plans it");
        }
        // a cell item connects only to its own cell: its values fill the contract's templates, checked again here
        Contract contract = template.inCell(item.cell());
        Instant now = env.clock().instant();
        Instant deadline = now.plusMillis(remainingMillis - 1000L * env.settings().get(Settings.DEADLINE_MARGIN_SECONDS));
        if (contract.check().deadlineSeconds() > 0) {
            Instant contractDeadline = now.plusSeconds(contract.check().deadlineSeconds());
            deadline = contractDeadline.isBefore(deadline) ? contractDeadline : deadline;
        }
        Instant lambdaDeadline = now.plusMillis(remainingMillis - 1000L * env.settings().get(Settings.DEADLINE_MARGIN_SECONDS));
        Checkpoint from = request.checkpoint() == null ? null : readCheckpoint(runId, item.shardId(), request.checkpoint());
        int sequence = from == null ? 0 : from.sequence();
        Instant pauseAt = sequence < nonNegative(Settings.MAX_CONTINUATIONS) ? pauseAt(now, lambdaDeadline) : null;
        Set<String> active = item.reportUnmapped() ? activeTenants(runId) : Set.of();
        ShardValidator.Step step = checker.check(contract, item, active, deadline, env.progress(item.shardId()),
                new ShardValidator.Resume(from, pauseAt));
        if (!step.done()) {
            Checkpoint next = step.checkpoint();
            String ref = RunIds.checkpointKey(runId, item.shardId(), next.sequence());
            env.store().put(ref, sealed(Json.bytes(next), ref), "application/json");
            return continuing(next, ref, java.time.Duration.between(now, env.clock().instant()).toMillis());
        }
        ShardResult result = step.result();
        if (item.cell() != null && template.cells()) {
            result = result.inCell(Cells.cell(template, item.cell().id(), item.cell().values()));
        }
        // Keys are redacted here already when redaction is on (every output, this intermediate one too); the real
        // keys of the findings travel sealed, for Aggregate's remediation only.
        String key = RunIds.shardKey(runId, item.shardId());
        env.store().put(key, StoredShardResult.of(result, env.redactor()).toJson(), "application/json");
        return new ShardSummary(result.shardId(), result.verdict(), result.counts(), result.keysScanned(),
                result.keysChecked(), result.skipped().size(), result.findings().size(), key,
                result.timings().totalMillis(), null, null, null);
    }

    /**
     * When the invocation stops scanning and returns a checkpoint: the reserve before the deadline (at most half the
     * time there is, so that every invocation gets somewhere), or sooner with a budget.
     */
    private Instant pauseAt(Instant now, Instant lambdaDeadline) {
        long available = Math.max(0, java.time.Duration.between(now, lambdaDeadline).toMillis());
        long reserve = Math.min(1000L * nonNegative(Settings.CHECKPOINT_RESERVE_SECONDS), available / 2);
        Instant at = now.plusMillis(available - reserve);
        int budget = nonNegative(Settings.INVOCATION_BUDGET_MILLIS);
        if (budget > 0 && now.plusMillis(budget).isBefore(at)) {
            at = now.plusMillis(budget);
        }
        return at;
    }

    private int nonNegative(io.cachecheck.config.Setting<Integer> setting) {
        int value = env.settings().get(setting);
        if (value < 0) {
            throw new ContractException("environment variable " + setting.name() + ": " + value + " is negative; "
                    + setting.description());
        }
        return value;
    }

    /** The summary of an item that goes on in another invocation: its figures so far, INCOMPLETE until it is done. */
    private static ShardSummary continuing(Checkpoint next, String ref, long durationMillis) {
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        long checked = 0;
        long scanned = 0;
        int skipped = 0;
        long findings = 0;
        if (next.figures() != null) {
            for (Checkpoint.GroupFigures g : next.figures().groups()) {
                counts.merge(DriftClass.CONSISTENT, g.consistent(), Long::sum);
                counts.merge(DriftClass.STALE, g.stale(), Long::sum);
                counts.merge(DriftClass.ORPHAN, g.orphan(), Long::sum);
                counts.merge(DriftClass.CORRUPT, g.corrupt(), Long::sum);
                counts.merge(DriftClass.IN_FLIGHT, g.inFlight(), Long::sum);
                checked += g.consistent() + g.stale() + g.orphan() + g.corrupt() + g.inFlight();
            }
            counts.put(DriftClass.UNMAPPED, next.figures().unmapped());
            scanned = next.figures().scanned();
            skipped = next.figures().skipped().size();
            findings = next.figures().findings().size();
        }
        return new ShardSummary(next.shardId(), Verdict.INCOMPLETE, counts, scanned, checked, skipped, findings, ref,
                durationMillis, null, null, null, new CheckpointRef(next.shardId(), next.sequence()));
    }

    /** The checkpoint a continuation goes on from; {@code ref} must name one of this run and item. */
    private Checkpoint readCheckpoint(String runId, String shardId, CheckpointRef ref) {
        if (!shardId.equals(ref.shardId()) || ref.sequence() < 1) {
            throw new InvalidInputException("checkpoint: {shardId: '" + ref.shardId() + "', sequence: " + ref.sequence()
                    + "} is not a checkpoint of work item '" + shardId + "'; pass the checkpoint ValidateShard returned"
                    + " for this item (sequence 1 or more)");
        }
        String key = RunIds.checkpointKey(runId, shardId, ref.sequence());
        byte[] stored = env.store().get(key).orElseThrow(() -> new InvalidInputException("checkpoint: none at "
                + env.store().location(key) + "; pass the checkpoint ValidateShard returned for this run and item"));
        try {
            Checkpoint checkpoint = Json.MAPPER.readValue(unsealed(stored, key), Checkpoint.class);
            if (checkpoint.sequence() != ref.sequence()) {
                throw new InvalidInputException("checkpoint: " + env.store().location(key) + " holds number "
                        + checkpoint.sequence() + ", not " + ref.sequence() + "; start the run again");
            }
            return checkpoint;
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint: " + env.store().location(key) + " is not a checkpoint ValidateShard"
                    + " wrote (" + e.getClass().getSimpleName() + "); start the run again");
        }
    }

    /**
     * A checkpoint holds real keys (its suspects must be read again). With key redaction on, it is stored sealed
     * with the key sealer, like the real keys of a stored shard result; bound to its own store key.
     */
    private byte[] sealed(byte[] json, String key) {
        Optional<KeySealer> sealer = env.redactor().sealer();
        if (sealer.isEmpty()) {
            return json;
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("sealed", sealer.get().seal(new String(json, java.nio.charset.StandardCharsets.UTF_8), key));
        return Json.bytes(node);
    }

    private byte[] unsealed(byte[] stored, String key) throws IOException {
        JsonNode node = Json.MAPPER.readTree(stored);
        if (node == null || !node.has("sealed")) {
            return stored;
        }
        KeySealer sealer = env.redactor().sealer().orElseThrow(() -> new ContractException("checkpoint "
                + env.store().location(key) + " is sealed, but key redaction is off now (CACHECHECK_KEY_HMAC_SECRET_ARN);"
                + " start the run again"));
        String json = sealer.unseal(node.get("sealed").asText(), key).orElseThrow(() -> new ContractException(
                "checkpoint " + env.store().location(key) + " does not authenticate under the current HMAC secret (it"
                        + " changed during the run); start the run again"));
        return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private Set<String> activeTenants(String runId) {
        return new LinkedHashSet<>(storedTenants(RunIds.tenantsKey(runId), RunIds.tenantsKey(runId), "runId"));
    }

    /** A tenant list DiscoverShards stored for this run; {@code ref} must be the key it writes ({@code expected}). */
    private List<String> storedTenants(String ref, String expected, String field) {
        if (!ref.equals(expected)) {
            throw new InvalidInputException(field + ": '" + ref + "' is not this run's tenant list; expected '" + expected
                    + "' as written by DiscoverShards");
        }
        byte[] json = env.store().get(ref).orElseThrow(() -> new InvalidInputException(
                field + ": no tenant list at " + env.store().location(ref) + "; run DiscoverShards for this run first"));
        return Json.strings(json, "tenant list " + ref);
    }
}
