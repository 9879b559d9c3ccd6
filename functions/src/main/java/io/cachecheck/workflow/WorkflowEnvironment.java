package io.cachecheck.workflow;

import io.cachecheck.check.ProgressListener;
import io.cachecheck.config.Settings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.ContractException;
import io.cachecheck.notify.ConsoleNotifier;
import io.cachecheck.notify.Notifier;
import io.cachecheck.notify.SnsNotifier;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.redact.RedactionSettings;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.store.ObjectStore;
import io.cachecheck.store.S3ObjectStore;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the three workflow steps share: settings, the object store, the notifier, the contract, the secret resolver
 * and the key redactor. Built once per Lambda container (SDK clients included); Redis and JDBC connections are not part of it,
 * because they are opened per invocation (SnapStart restores must not reuse sockets).
 */
public final class WorkflowEnvironment {
    private final Settings settings;
    private final ObjectStore store;
    private final Notifier notifier;
    private final Supplier<Contract> contract;
    private final SecretResolver secrets;
    private final Supplier<KeyRedactor> redactor;
    private final Function<String, ProgressListener> progress;
    private final Clock clock;

    private WorkflowEnvironment(Builder b) {
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.store = Objects.requireNonNull(b.store, "store");
        this.notifier = Objects.requireNonNull(b.notifier, "notifier");
        this.contract = Objects.requireNonNull(b.contract, "contract");
        this.secrets = b.secrets == null ? SecretResolver.create() : b.secrets;
        this.redactor = b.redactor != null ? () -> b.redactor : memoize(() -> redactor(settings, secrets));
        this.progress = b.progress == null ? shard -> ProgressListener.NONE : b.progress;
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The production environment from the settings: S3 (bucket) or a directory, SNS (topic) or the console. SDK
     * clients use the url-connection HTTP client and the region from AWS_REGION.
     */
    public static WorkflowEnvironment fromSettings(Settings settings) {
        Supplier<S3Client> s3 = memoize(() -> s3Client(settings));
        ObjectStore store;
        String bucket = settings.get(Settings.AUDIT_BUCKET);
        if (bucket != null) {
            store = new S3ObjectStore(s3.get(), bucket);
        } else if (settings.get(Settings.AUDIT_DIR) != null) {
            store = new DirectoryObjectStore(Path.of(settings.get(Settings.AUDIT_DIR)));
        } else {
            throw new ContractException("environment variable " + Settings.AUDIT_BUCKET.name() + " is not set; "
                    + Settings.AUDIT_BUCKET.description());
        }
        String topic = settings.get(Settings.SUMMARY_TOPIC_ARN);
        Notifier notifier = topic != null ? new SnsNotifier(snsClient(settings), topic) : new ConsoleNotifier(System.out);
        return builder().settings(settings).store(store).notifier(notifier)
                .contract(memoize(() -> ContractSource.load(settings, s3))).build();
    }

    public static S3Client s3Client(Settings settings) {
        var builder = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        settings.find(Settings.REGION).ifPresent(r -> builder.region(Region.of(r)));
        settings.find(Settings.S3_ENDPOINT).ifPresent(e -> builder.endpointOverride(URI.create(e)).forcePathStyle(true));
        return builder.build();
    }

    public static SnsClient snsClient(Settings settings) {
        var builder = SnsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        settings.find(Settings.REGION).ifPresent(r -> builder.region(Region.of(r)));
        settings.find(Settings.SNS_ENDPOINT).ifPresent(e -> builder.endpointOverride(URI.create(e)));
        return builder.build();
    }

    /** Computes once on first use; a failure is not remembered, so the next invocation tries again. */
    public static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }

    public Settings settings() {
        return settings;
    }

    public ObjectStore store() {
        return store;
    }

    public Notifier notifier() {
        return notifier;
    }

    public Contract contract() {
        return contract.get();
    }

    public SecretResolver secrets() {
        return secrets;
    }

    /** How keys are written to audit logs and baselines; resolved (secret read) on first use. */
    public KeyRedactor redactor() {
        return redactor.get();
    }

    /** The redactor CACHECHECK_KEY_HMAC_SECRET_ARN asks for: HMAC keyed by that secret, or none when it is unset. */
    static KeyRedactor redactor(Settings settings, SecretResolver secrets) {
        String arn = settings.get(Settings.KEY_HMAC_SECRET_ARN);
        return arn == null ? KeyRedactor.disabled()
                : KeyRedactor.create(new RedactionSettings(true, null, arn), secrets);
    }

    public ProgressListener progress(String shardId) {
        return progress.apply(shardId);
    }

    public Clock clock() {
        return clock;
    }

    /** Builds an environment from explicit parts (tests and the local runner). */
    public static final class Builder {
        private Settings settings = Settings.of(java.util.Map.of());
        private ObjectStore store;
        private Notifier notifier;
        private Supplier<Contract> contract;
        private SecretResolver secrets;
        private KeyRedactor redactor;
        private Function<String, ProgressListener> progress;
        private Clock clock;

        public Builder settings(Settings settings) {
            this.settings = settings;
            return this;
        }

        public Builder store(ObjectStore store) {
            this.store = store;
            return this;
        }

        public Builder notifier(Notifier notifier) {
            this.notifier = notifier;
            return this;
        }

        public Builder contract(Supplier<Contract> contract) {
            this.contract = contract;
            return this;
        }

        public Builder secrets(SecretResolver secrets) {
            this.secrets = secrets;
            return this;
        }

        /** The key redactor; unset: from CACHECHECK_KEY_HMAC_SECRET_ARN in the settings. */
        public Builder redactor(KeyRedactor redactor) {
            this.redactor = redactor;
            return this;
        }

        /** A progress listener per shard id (the CLI draws progress; Lambda does not). */
        public Builder progress(Function<String, ProgressListener> progress) {
            this.progress = progress;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public WorkflowEnvironment build() {
            return new WorkflowEnvironment(this);
        }
    }
}
