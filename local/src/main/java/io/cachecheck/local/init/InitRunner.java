package io.cachecheck.local.init;

import java.util.function.Function;
import io.cachecheck.cache.CachedValue;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.CacheSettings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.Credentials;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.contract.SourceSettings;
import io.cachecheck.error.CacheCheckException;
import io.cachecheck.error.ContractException;
import io.cachecheck.source.JdbcSource;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code cachecheck init} runs (the picocli command {@code io.cachecheck.local.cli.InitCommand} only reads the
 * options): samples the cache, reads the source's catalog, writes a draft contract and checks it on the
 * sample (docs/init.md). A thin command over {@link KeySampler}, {@link KeyPatternInference},
 * {@link ValueFormatInference}, {@link SchemaCatalog}, {@link TableMatcher}, {@link DraftContract} and
 * {@link DraftCheck}. Exit codes: 0 the draft was written, loads and was checked; 1 it was written but does not load
 * until its TODOs are resolved; 2 an error (nothing written).
 */
public final class InitRunner {
    public static final int WRITTEN = 0;
    public static final int NEEDS_EDITS = 1;
    public static final int ERROR = 2;

    /**
     * The options, as {@code cachecheck init} takes them (docs/init.md); null for a number means its default.
     *
     * @param schemas schemas (PostgreSQL) or databases (MySQL/MariaDB) to match tables in; empty = the default scope
     */
    public record Options(String cache, String source, String sourceUser, String sourcePasswordEnv, String cacheUser,
                          String cachePasswordEnv, List<String> schemas, Path out, boolean force, Integer maxKeys,
                          Integer keysPerSecond, Integer scanCount, Integer valuesPerNamespace) {
        public static final int DEFAULT_MAX_KEYS = 10_000;
        public static final int DEFAULT_KEYS_PER_SECOND = 2_000;
        public static final int DEFAULT_SCAN_COUNT = 500;
        public static final int DEFAULT_VALUES_PER_NAMESPACE = 200;
        public static final String DEFAULT_OUT = "cachecheck-contract.yaml";

        public Options {
            schemas = schemas == null ? List.of() : schemas.stream().map(String::strip).filter(x -> !x.isEmpty()).toList();
            out = out == null ? Path.of(DEFAULT_OUT) : out;
        }
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Function<String, String> environment;

    public InitRunner(PrintStream out, PrintStream err) {
        this(out, err, System::getenv);
    }

    InitRunner(PrintStream out, PrintStream err, Function<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    /** A mistake in the options: one line naming the option and the fix. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** Runs {@code init}; every error is one line on stderr ({@code error: ...}) and exit code {@value #ERROR}. */
    public int run(Options options) {
        try {
            return init(options);
        } catch (UsageException | CacheCheckException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return ERROR;
        }
    }

    private int init(Options options) throws InterruptedException {
        Path file = options.out();
        if (Files.exists(file) && !options.force()) {
            throw new UsageException("--out: " + file + " exists; choose another file, or add --force to overwrite it");
        }
        int maxKeys = positive(options.maxKeys(), "max-keys", Options.DEFAULT_MAX_KEYS);
        int rate = positive(options.keysPerSecond(), "keys-per-second", Options.DEFAULT_KEYS_PER_SECOND);
        int scanCount = positive(options.scanCount(), "scan-count", Options.DEFAULT_SCAN_COUNT);
        int perNamespace = positive(options.valuesPerNamespace(), "values-per-namespace", Options.DEFAULT_VALUES_PER_NAMESPACE);
        List<String> schemas = options.schemas();

        // secrets given in a URL are used to connect and never written: the draft names an environment variable
        Map<String, String> urlSecrets = new HashMap<>();
        ConnectionUrls.Cache cacheUrl = ConnectionUrls.cache(options.cache());
        ConnectionUrls.Source sourceUrl = ConnectionUrls.source(options.source());
        SecretResolver secrets = SecretResolver.withEnvironment(name -> urlSecrets.containsKey(name) ? urlSecrets.get(name)
                : environment.apply(name));
        String cacheUser = options.cacheUser() != null ? options.cacheUser() : cacheUrl.user();
        String cachePasswordEnv = options.cachePasswordEnv();
        if (cacheUrl.password() != null) {
            urlSecrets.put(DraftContract.CACHE_PASSWORD_ENV, cacheUrl.password());
            cachePasswordEnv = DraftContract.CACHE_PASSWORD_ENV;
        }
        String sourceUser = options.sourceUser() != null ? options.sourceUser() : sourceUrl.user();
        String sourcePasswordEnv = options.sourcePasswordEnv();
        if (sourceUrl.password() != null) {
            urlSecrets.put(DraftContract.SOURCE_PASSWORD_ENV, sourceUrl.password());
            sourcePasswordEnv = DraftContract.SOURCE_PASSWORD_ENV;
        }
        Credentials cacheCredentials = new Credentials(cacheUser, cachePasswordEnv, null);
        SourceSettings source = new SourceSettings(sourceUrl.url(), new Credentials(sourceUser, sourcePasswordEnv, null));
        SchemaCatalog.schemaFilter(source.dialect(), schemas); // a bad --schema fails before anything is read
        CacheSettings cache = new CacheSettings(cacheUrl.url(), false, false, cacheCredentials, List.of());
        boolean cluster = clusterEnabled(cache, secrets);
        if (cluster) {
            cache = new CacheSettings(cacheUrl.url(), true, false, cacheCredentials, List.of());
        }

        err.println("Sampling at most " + maxKeys + " keys of " + cacheUrl.url() + " (" + rate + " keys/s at most)");
        try (KeySampler sampler = new KeySampler(RedisNodes.discover(cache, secrets));
             JdbcSource jdbc = new JdbcSource(source, secrets, 2, 200)) {
            KeySampler.Sample sample = sampler.sample(maxKeys, rate, scanCount);
            err.println("Sampled " + sample.keys().size() + " keys in " + sample.millis() + " ms"
                    + (sample.complete() ? " (every key)" : " (stopped at --max-keys)"));
            err.println("Reading the tables of " + sourceUrl.url());
            SchemaCatalog catalog = SchemaCatalog.read(jdbc, source.dialect(), schemas);
            KeyPatternInference.Result inference = KeyPatternInference.infer(sample.keys().keySet(),
                    new SingleTenantConfirmation(jdbc, source.dialect(), catalog));
            List<ValueFormatInference.Format> formats = new ArrayList<>();
            Map<String, List<String>> checkedKeys = new LinkedHashMap<>();
            for (KeyPatternInference.Family family : inference.families()) {
                List<String> keys = family.keys().subList(0, Math.min(perNamespace, family.keys().size()));
                List<CachedValue> values = new ArrayList<>();
                Map<String, Integer> otherTypes = new LinkedHashMap<>();
                KeySampler.byNode(keys, sample.keys()).forEach((node, nodeKeys) -> values.addAll(sampler.read(node, nodeKeys, otherTypes)));
                formats.add(ValueFormatInference.infer(values, otherTypes));
                checkedKeys.put(family.name(), keys);
            }

            List<String> header = new ArrayList<>();
            header.add("Written " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT) + " from "
                    + sample.keys().size() + " sampled keys of " + cacheUrl.url() + " and " + catalog.tables().size()
                    + " tables of " + sourceUrl.url() + (schemas.isEmpty() ? "" : " (schemas " + schemas + ")") + ".");
            if (!sample.complete()) {
                header.add("TODO(init): sample: SCAN stopped at --max-keys " + maxKeys + " before the end of the keyspace; key"
                        + " families not in the sample are missing here (run again with a larger --max-keys).");
            }
            if (sample.notUtf8() > 0) {
                header.add("guess: " + sample.notUtf8() + " scanned keys are not UTF-8 text and were left out.");
            }
            DraftContract.Connections conn = new DraftContract.Connections(cacheUrl.url(), cluster, cacheUser,
                    cachePasswordEnv != null, sourceUrl.url(), source.dialect(), sourceUser, sourcePasswordEnv,
                    sourceUrl.password() != null);
            DraftContract.Draft draft = DraftContract.build(conn, inference, formats, catalog, header);
            write(file, draft.text());
            int leftOver = inference.leftOver().values().stream().mapToInt(Integer::intValue).sum();
            out.println("Wrote " + file + ": " + draft.namespaces().stream().filter(DraftContract.NamespaceDraft::written).count()
                    + " namespaces, " + draft.namespaces().stream().filter(n -> !n.written()).count()
                    + " commented out with a TODO(init), " + leftOver + " sampled key" + (leftOver == 1 ? "" : "s") + " in no namespace");

            Contract contract;
            try {
                contract = ContractLoader.create().parse(draft.text());
            } catch (ContractException e) {
                out.println("The draft does not load yet: " + e.getMessage() + "; resolve its TODO(init) comments (docs/init.md)");
                return NEEDS_EDITS;
            }
            List<DraftCheck.NamespaceCheck> checks = DraftCheck.run(contract, checkedKeys, sample.keys(), sampler, jdbc);
            List<String> lines = new ArrayList<>();
            lines.add("# Check of this draft on the sample (cachecheck init; validate checks every key):");
            out.println("Check of the draft on the sample:");
            for (DraftCheck.NamespaceCheck c : checks) {
                out.println("  " + c.line());
                lines.add("#   " + c.line());
            }
            write(file, withCheck(draft.text(), lines));
            out.println("Next: review " + file + " (every \"guess:\" and \"TODO(init):\"), then run"
                    + " cachecheck validate --contract " + file);
            return WRITTEN;
        }
    }

    /** The draft with the check's lines after its header comment. */
    static String withCheck(String text, List<String> lines) {
        int at = text.indexOf("\nversion: 1\n");
        return text.substring(0, at + 1) + String.join("\n", lines) + "\n" + text.substring(at + 1);
    }

    private static void write(Path file, String text) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("--out: cannot write " + file + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /** Whether the server is a Redis Cluster node ({@code INFO cluster}: cluster_enabled:1). */
    private static boolean clusterEnabled(CacheSettings cache, SecretResolver secrets) {
        RedisNodes standalone = RedisNodes.discover(cache, secrets);
        try (Jedis jedis = standalone.connect(standalone.nodes().get(0))) {
            return jedis.info("cluster").contains("cluster_enabled:1");
        }
    }

    private static int positive(Integer value, String name, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value > 0) {
            return value;
        }
        throw new UsageException("--" + name + ": " + value + " is not a positive whole number, e.g. " + fallback);
    }
}
