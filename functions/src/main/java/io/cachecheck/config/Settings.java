package io.cachecheck.config;

import io.cachecheck.error.ContractException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting of the Lambda functions, declared once with name, default and description, and typed access to
 * their values. The values come from the environment (the CDK stack sets them); tests and the local runner pass an
 * explicit map.
 */
public final class Settings {
    public static final Setting<String> CONTRACT_LOCATION = Setting.text("CACHECHECK_CONTRACT_LOCATION", null,
            "Where the contract YAML is: s3://bucket/key, classpath:name.yaml or a file path. Required.");
    public static final Setting<String> AUDIT_BUCKET = Setting.text("CACHECHECK_AUDIT_BUCKET", null,
            "S3 bucket for shard results, audit logs and baselines. Unset: CACHECHECK_AUDIT_DIR is used instead.");
    public static final Setting<String> AUDIT_DIR = Setting.text("CACHECHECK_AUDIT_DIR", null,
            "Local directory for shard results, audit logs and baselines, when there is no bucket (local runs).");
    public static final Setting<String> S3_ENDPOINT = Setting.text("CACHECHECK_S3_ENDPOINT", null,
            "Override of the S3 endpoint (an S3-compatible server for local tests); path-style addressing is used.");
    public static final Setting<String> SUMMARY_TOPIC_ARN = Setting.text("CACHECHECK_SUMMARY_TOPIC_ARN", null,
            "SNS topic for the run summary. Unset: the summary is written to the console (stdout).");
    public static final Setting<String> SNS_ENDPOINT = Setting.text("CACHECHECK_SNS_ENDPOINT", null,
            "Override of the SNS endpoint (a local SNS substitute for tests).");
    public static final Setting<String> DB_SECRET_ARN = Setting.text("CACHECHECK_DB_SECRET_ARN", null,
            "Secrets Manager secret with the database username/password. Overrides the contract's source.auth.");
    public static final Setting<String> CACHE_SECRET_ARN = Setting.text("CACHECHECK_CACHE_SECRET_ARN", null,
            "Secrets Manager secret with the Redis AUTH user/password. Overrides the contract's cache.auth.");
    public static final Setting<String> CACHE_ENDPOINT = Setting.text("CACHECHECK_CACHE_ENDPOINT", null,
            "host:port of the cache. Overrides the host and port of the contract's cache.url.");
    public static final Setting<Boolean> CACHE_TLS = Setting.bool("CACHECHECK_CACHE_TLS", false,
            "With CACHECHECK_CACHE_ENDPOINT: true switches cache.url to rediss:// (TLS).");
    public static final Setting<String> KEY_HMAC_SECRET_ARN = Setting.text("CACHECHECK_KEY_HMAC_SECRET_ARN", null,
            "Secrets Manager secret (at least 16 bytes) whose value keys an HMAC-SHA256 of every cache key written to "
                    + "audit logs, baselines and the summary, for caches whose keys contain personal data. Shard results "
                    + "under runs/ keep the real keys, because remediation needs them, and expire with runs/. "
                    + "Unset: keys are written as they are.");
    public static final Setting<Integer> DEADLINE_MARGIN_SECONDS = Setting.integer("CACHECHECK_DEADLINE_MARGIN_SECONDS", 30,
            "ValidateShard stops this long before the Lambda timeout and reports INCOMPLETE instead of being killed.");
    public static final Setting<Boolean> SHARED_SCAN = Setting.bool("CACHECHECK_SHARED_SCAN", true,
            "true: when several work items share a cache node, a scan phase SCANs the node once and stores each item's "
                    + "keys under runs/<runId>/keys/ (docs/scale.md, \"One scan per key\"); false: every item SCANs its node.");
    public static final Setting<Integer> CHECKPOINT_RESERVE_SECONDS = Setting.integer("CACHECHECK_CHECKPOINT_RESERVE_SECONDS", 30,
            "ValidateShard stops scanning this long before its deadline (the Lambda timeout less "
                    + "CACHECHECK_DEADLINE_MARGIN_SECONDS), finishes the batches under way and returns a checkpoint; the "
                    + "workflow continues the work item in a new invocation. At most half the time there is.");
    public static final Setting<Integer> INVOCATION_BUDGET_MILLIS = Setting.integer("CACHECHECK_INVOCATION_BUDGET_MILLIS", 0,
            "When above 0, ValidateShard stops scanning and returns a checkpoint this many milliseconds after it "
                    + "starts at the latest, however long the Lambda timeout is (tests, shorter invocations). 0: as the "
                    + "timeout allows.");
    public static final Setting<Integer> MAX_CONTINUATIONS = Setting.integer("CACHECHECK_MAX_CONTINUATIONS", 100,
            "How many times the workflow continues one work item from a checkpoint. The invocation after the last "
                    + "one returns no checkpoint: it scans until its deadline, and what is left is reported INCOMPLETE.");
    public static final Setting<String> SERVICE_NAME = Setting.text("POWERTOOLS_SERVICE_NAME", "cachecheck",
            "Service name in logs and the only metric dimension (Service).");
    public static final Setting<String> METRICS_NAMESPACE = Setting.text("POWERTOOLS_METRICS_NAMESPACE", "CacheCheck",
            "CloudWatch namespace of the EMF metrics.");
    public static final Setting<String> REGION = Setting.text("AWS_REGION", null,
            "Region of the S3, SNS and Secrets Manager clients (set by Lambda).");

    private static final List<Setting<?>> ALL = List.of(CONTRACT_LOCATION, AUDIT_BUCKET, AUDIT_DIR, S3_ENDPOINT,
            SUMMARY_TOPIC_ARN, SNS_ENDPOINT, DB_SECRET_ARN, CACHE_SECRET_ARN, CACHE_ENDPOINT, CACHE_TLS,
            KEY_HMAC_SECRET_ARN, DEADLINE_MARGIN_SECONDS, CHECKPOINT_RESERVE_SECONDS, INVOCATION_BUDGET_MILLIS,
            MAX_CONTINUATIONS, SHARED_SCAN, SERVICE_NAME, METRICS_NAMESPACE, REGION);

    private final Function<String, String> environment;

    private Settings(Function<String, String> environment) {
        this.environment = environment;
    }

    public static Settings fromEnvironment() {
        return new Settings(System::getenv);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values::get);
    }

    /** Every declared setting, in documentation order. */
    public static List<Setting<?>> all() {
        return ALL;
    }

    /** The value, or the default (which may be null). */
    public <T> T get(Setting<T> setting) {
        String text = environment.apply(setting.name());
        if (text == null || text.isBlank()) {
            return setting.defaultValue();
        }
        try {
            return setting.parser().apply(text.trim());
        } catch (IllegalArgumentException e) {
            throw new ContractException("environment variable " + setting.name() + ": '" + text + "' is invalid ("
                    + e.getMessage() + "); " + setting.description());
        }
    }

    public <T> Optional<T> find(Setting<T> setting) {
        return Optional.ofNullable(get(setting));
    }

    /** The value; a missing one is a configuration error naming the variable. */
    public <T> T require(Setting<T> setting) {
        T value = get(setting);
        if (value == null) {
            throw new ContractException("environment variable " + setting.name() + " is not set; " + setting.description());
        }
        return value;
    }
}
