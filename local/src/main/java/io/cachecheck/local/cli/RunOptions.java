package io.cachecheck.local.cli;

import io.cachecheck.workflow.Mode;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The options of a local run, shared by {@code validate} and {@code demo} (a picocli mixin).
 *
 * <p>The fields declare the options for picocli (help, completion, did-you-mean); a run reads what the command line
 * gave through {@link #given}, by option name. Values stay text, so that {@link CacheCheckCli} checks them with its
 * own one-line errors (naming the option and the fix, and the execution input field), and an option that was not
 * typed stays absent: its default is the run's, and --input can tell it was not mixed with the input options.
 */
final class RunOptions {
    @Option(names = "--tenants", paramLabel = "a,b", description = "only these tenants (default: all active tenants)")
    String tenants;

    @Option(names = "--mode", paramLabel = "MODE", completionCandidates = Modes.class,
            description = "${COMPLETION-CANDIDATES} (default: " + CacheCheckCli.DEFAULT_MODE + ")")
    String mode;

    @Option(names = "--max-drift-ratio", paramLabel = "X", description = "gate threshold, 0..1 (default: 0)")
    String maxDriftRatio;

    @Option(names = "--fail-on-incomplete", description = "an INCOMPLETE run fails the gate (the default)")
    boolean failOnIncomplete;

    @Option(names = "--no-fail-on-incomplete", description = "an INCOMPLETE run passes the gate")
    boolean noFailOnIncomplete;

    @Option(names = "--fail-on-regression", description = "a run with regressions against the baseline fails the gate")
    boolean failOnRegression;

    @Option(names = "--score-tolerance", paramLabel = "X", description = "how far (0..1) a tenant/namespace score may"
            + " drop before it is a regression (default: 0.01)")
    String scoreTolerance;

    @Option(names = "--baseline", paramLabel = "B", completionCandidates = Baselines.class, description = "latest |"
            + " none | <runId>: the baseline to compare with (default: latest); baselines are kept in --out (or"
            + " --bucket) under baselines/")
    String baseline;

    @Option(names = "--remediate", description = "delete the drifted keys (race-safe); default: plan only (dry run)")
    boolean remediate;

    @Option(names = "--allow-remediation", description = "lets a --mode gate run use --remediate")
    boolean allowRemediation;

    @Option(names = "--max-remediation-keys", paramLabel = "N", description = "most keys one run may repair; a larger"
            + " plan is not executed at all (default: 1000)")
    String maxRemediationKeys;

    @Option(names = "--max-remediation-keys-per-tenant", paramLabel = "N", description = "most keys of one tenant one"
            + " run may repair (default: 200)")
    String maxRemediationKeysPerTenant;

    @Option(names = "--max-writes-per-second", paramLabel = "X", description = "cache deletes per second while"
            + " repairing (default: 100)")
    String maxWritesPerSecond;

    @Option(names = "--redact-keys", description = "write keys as hmac:<hex> in every output (shard results, audit"
            + " log, baseline, summary); shard results keep the real keys AES-GCM sealed for --remediate. The HMAC key"
            + " (16+ bytes) is read from the environment variable " + CacheCheckCli.KEY_HMAC_KEY_ENV)
    boolean redactKeys;

    @Option(names = "--sample", paramLabel = "X", description = "check only this fraction (0..1) of the keys, the same"
            + " keys on every run (first 8 bytes of SHA-256 of the key); reports the estimated drift ratio with a 95%%"
            + " interval, the verdict is SAMPLED or DRIFT, never CONSISTENT, and --max-drift-ratio is compared with the"
            + " interval's upper bound")
    String sample;

    @Option(names = "--max-cache-reads-per-second", paramLabel = "X", description = "cap on keys the whole run reads"
            + " from the cache per second (SCAN and value reads), shared by the running shards (default: no cap)")
    String maxCacheReadsPerSecond;

    @Option(names = "--max-source-queries-per-second", paramLabel = "X", description = "cap on SQL statements the"
            + " whole run sends per second (default: no cap)")
    String maxSourceQueriesPerSecond;

    @Option(names = "--max-concurrency", paramLabel = "N", description = "shards validated at once, 1..10000 (default: 4)")
    String maxConcurrency;

    @Option(names = "--run-id", paramLabel = "ID", description = "execution name (default: local-<time>-<random>)")
    String runId;

    @Option(names = "--bucket", paramLabel = "NAME", description = "store results in this S3 bucket instead of --out")
    String bucket;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3-compatible endpoint for --bucket (path-style)")
    String s3Endpoint;

    @Option(names = "--topic-arn", paramLabel = "ARN", description = "publish the summary to this SNS topic instead of"
            + " the console")
    String topicArn;

    @Option(names = "--sns-endpoint", paramLabel = "URL", description = "SNS-compatible endpoint for --topic-arn")
    String snsEndpoint;

    @Option(names = "--region", paramLabel = "REGION", description = "region of the S3/SNS clients (default:"
            + " AWS_REGION or us-east-1)")
    String region;

    @Option(names = "--definition", paramLabel = "FILE", description = "run this ASL file instead of the packaged one")
    String definition;

    @Option(names = "--function-timeout", paramLabel = "SEC", description = "ValidateShard's budget, like its Lambda"
            + " timeout; each shard stops 30 s before it (default: " + CacheCheckCli.DEFAULT_FUNCTION_TIMEOUT + ")")
    String functionTimeout;

    @Option(names = "--input", paramLabel = "FILE", description = "the execution input as JSON (e.g. events/*.json)"
            + " instead of the options --tenants, --mode, --baseline, the gate and remediation ones")
    String input;

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    @Option(names = "--json", description = "print the run summary as one JSON document on stdout (fields: docs/workflow.md,"
            + " JSON output); the summary for people, progress and errors go to stderr")
    boolean json;

    /**
     * The options a parsed command line gave, by name without the leading dashes: the value as typed, or "true" for a
     * flag. Help and version options never reach a run, so they are left out.
     */
    static Map<String, String> given(ParseResult parsed) {
        Map<String, String> options = new HashMap<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            Object value = option.getValue();
            options.put(option.longestName().replaceFirst("^--?", ""), String.valueOf(value));
        }
        return options;
    }

    /** The values --mode completes to. */
    static final class Modes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Mode.values()).map(Mode::id).iterator();
        }
    }

    /** The values --baseline completes to (a run id is typed). */
    static final class Baselines implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("latest", "none").iterator();
        }
    }
}
