package io.cachecheck.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.AuditStep;
import io.cachecheck.audit.RunSummary;
import io.cachecheck.baseline.BaselineSelection;
import io.cachecheck.baseline.ObjectStoreBaselineStore;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Verdict;
import io.cachecheck.config.Settings;
import io.cachecheck.config.TextFiles;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.local.DemoData;
import io.cachecheck.local.LocalWorkflow;
import io.cachecheck.local.ProgressPrinter;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.local.asl.ExecutionResult;
import io.cachecheck.notify.Notifier;
import io.cachecheck.notify.SnsNotifier;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.redact.RedactionSettings;
import io.cachecheck.report.RunReports;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.store.ObjectStore;
import io.cachecheck.store.S3ObjectStore;
import io.cachecheck.workflow.Aggregate;
import io.cachecheck.workflow.ContractSource;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.RunIds;
import io.cachecheck.workflow.WorkflowEnvironment;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The cachecheck command line: {@code validate} runs the state machine locally, {@code demo} seeds a demo dataset
 * with drift and validates it. picocli parses the command line ({@link CacheCheckCommand} and one class per
 * subcommand: help, completion, did-you-mean); this class runs what they parsed. Exit codes: 0 consistent, 1 drift
 * or gate failed, 2 incomplete or error; a {@code --mode gate} run exits 0 whenever its gate passed (see
 * {@link #exitCode}).
 */
public final class CacheCheckCli {
    public static final int CONSISTENT = 0;
    public static final int DRIFT = 1;
    public static final int INCOMPLETE_OR_ERROR = 2;

    /** Defaults, used by the runs and quoted by the generated help (one place for each). */
    static final String DEFAULT_OUT = "cachecheck-out";
    static final String DEFAULT_DEMO_OUT = "cachecheck-demo-out";
    static final String DEFAULT_MODE = "manual";
    static final String DEFAULT_FUNCTION_TIMEOUT = "900";

    private final PrintStream out;
    private final PrintStream err;

    public CacheCheckCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Before any logger exists: the CLI logs warnings to stderr, not the Lambda JSON layout to stdout.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-cli.xml");
        }
        System.exit(new CacheCheckCli(System.out, System.err).run(args));
    }

    /** Runs one command line; every mistake or error is one line on stderr (never a stack trace) and exit code 2. */
    public int run(String[] args) {
        CommandLine commandLine = commandLine();
        try {
            return commandLine.execute(args);
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
        }
    }

    /** The picocli command tree over this CLI's streams, with the one-line error handlers. */
    CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new CacheCheckCommand(this));
        // picocli would read "@name" as a file of more arguments; here it is a value, as it always was
        commandLine.setExpandAtFiles(false);
        commandLine.setOut(writer(out));
        commandLine.setErr(writer(err));
        OneLineErrors errors = new OneLineErrors(out, err);
        commandLine.setParameterExceptionHandler(errors);
        commandLine.setExecutionExceptionHandler(errors);
        return commandLine;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** A writer onto a PrintStream that keeps the stream's own charset (a plain PrintWriter would use the default). */
    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new Writer() {
            @Override
            public void write(char[] chars, int offset, int length) {
                stream.print(new String(chars, offset, length));
            }

            @Override
            public void flush() {
                stream.flush();
            }

            @Override
            public void close() {
                stream.flush();
            }
        }, true);
    }

    /**
     * The options a command line gives its (innermost) subcommand, by name without the dashes, as the runs read them;
     * a mistake on the command line is a {@link UsageException} with the line the CLI prints.
     */
    static Map<String, String> options(String[] args) {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try {
            CommandLine.ParseResult result = new CacheCheckCli(discard, discard).commandLine().parseArgs(args);
            while (result.hasSubcommand()) {
                result = result.subcommand();
            }
            return RunOptions.given(result);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(OneLineErrors.message(e));
        }
    }

    /** One line for an unexpected error: its class and the first line of its message, at most 300 characters. */
    static String unexpected(Exception e) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("").strip();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return e.getClass().getName() + (message.isEmpty() ? "" : ": " + message);
    }

    /** A mistake on the command line. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** The environment variable holding the HMAC key of --redact-keys. */
    static final String KEY_HMAC_KEY_ENV = "CACHECHECK_KEY_HMAC_KEY";
    /** The options that build the execution input; --input FILE replaces all of them. */
    private static final List<String> INPUT_OPTIONS = List.of("tenants", "mode", "max-drift-ratio", "score-tolerance",
            "fail-on-regression", "allow-remediation", "fail-on-incomplete", "no-fail-on-incomplete", "max-concurrency",
            "remediate", "baseline", "max-remediation-keys", "max-remediation-keys-per-tenant", "max-writes-per-second",
            "sample", "max-cache-reads-per-second", "max-source-queries-per-second");

    int validate(Map<String, String> options) {
        String contractFile = options.get("contract");
        if (contractFile == null) {
            throw new UsageException("--contract FILE is required: the contract YAML to validate against");
        }
        Contract contract = ContractSource.applyOverrides(ContractLoader.create().load(Path.of(contractFile)),
                Settings.fromEnvironment());
        return execute(contract, options, Path.of(options.getOrDefault("out", DEFAULT_OUT)));
    }

    int demo(Map<String, String> options) {
        Path contractFile = Path.of("docs/examples/demo-contract.yaml");
        Contract contract = Files.isRegularFile(contractFile)
                ? ContractLoader.create().load(contractFile)
                : ContractLoader.create().parse(resource("demo-contract.yaml"));
        URI redis = URI.create(contract.cache().url());
        String jdbc = contract.source().url().replace("jdbc:aws-wrapper:", "jdbc:");
        err.println("Seeding the demo dataset: schema cachecheck_demo in " + jdbc + ", Redis " + redis);
        try {
            new DemoData(jdbc, contract.source().credentials().username(), "cachecheck_demo", redis).seed();
        } catch (SQLException | RuntimeException e) {
            throw new UsageException("cannot seed the demo dataset (" + (e instanceof SQLException sql
                    ? io.cachecheck.source.SqlErrors.describe(sql, null) : e.getClass().getSimpleName() + ": " + e.getMessage())
                    + "); start PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, or set"
                    + " CACHECHECK_DEMO_PG / CACHECHECK_DEMO_REDIS to host:port");
        }
        Map<String, String> demoOptions = new HashMap<>(options);
        demoOptions.putIfAbsent("out", DEFAULT_DEMO_OUT);
        return execute(contract, demoOptions, Path.of(demoOptions.get("out")));
    }

    /**
     * The settings of the S3 and SNS clients: {@code --region} (else AWS_REGION, else us-east-1) and the endpoints
     * given (null: the AWS ones). Used by every command that reads or writes a run's results.
     */
    static Settings clientSettings(String region, String s3Endpoint, String snsEndpoint) {
        Map<String, String> settings = new HashMap<>();
        settings.put(Settings.REGION.name(), region != null ? region
                : System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
        if (s3Endpoint != null) {
            settings.put(Settings.S3_ENDPOINT.name(), s3Endpoint);
        }
        if (snsEndpoint != null) {
            settings.put(Settings.SNS_ENDPOINT.name(), snsEndpoint);
        }
        return Settings.of(settings);
    }

    /** Where a run's results are: {@code --bucket} in S3 when given, else the directory {@code --out}. */
    static ObjectStore store(Settings clients, String bucket, Path outDir) {
        return bucket != null ? new S3ObjectStore(WorkflowEnvironment.s3Client(clients), bucket)
                : new DirectoryObjectStore(outDir);
    }

    private int execute(Contract contract, Map<String, String> options, Path outDir) {
        JsonNode input = options.containsKey("input") ? inputFile(options) : executionInput(options);
        if (options.containsKey("run-id")) {
            runId(options.get("run-id"));
        }
        String runId = options.getOrDefault("run-id", "local-"
                + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                + "-" + UUID.randomUUID().toString().substring(0, 8));
        Settings resolved = clientSettings(options.get("region"), options.get("s3-endpoint"), options.get("sns-endpoint"));
        ObjectStore store = store(resolved, options.get("bucket"), outDir);
        Output output = new Output(options.containsKey("json") ? err : out, options.containsKey("json"),
                gateAsked(input), options.containsKey("topic-arn"), !options.containsKey("input"));
        Notifier notifier = options.containsKey("topic-arn")
                ? new SnsNotifier(WorkflowEnvironment.snsClient(resolved), options.get("topic-arn"))
                : new SummaryPrinter(output.human(), output.gateAsked());
        boolean quiet = options.containsKey("quiet");
        if (options.containsKey("redact-keys") && System.getenv(KEY_HMAC_KEY_ENV) == null) {
            throw new UsageException("--redact-keys: environment variable " + KEY_HMAC_KEY_ENV + " is not set; export"
                    + " the HMAC key (a random secret of 32 bytes or more) in it, and use the same key on every run");
        }
        KeyRedactor redactor = options.containsKey("redact-keys")
                ? KeyRedactor.create(new RedactionSettings(true, KEY_HMAC_KEY_ENV, null), SecretResolver.create())
                : KeyRedactor.disabled();
        WorkflowEnvironment env = WorkflowEnvironment.builder().settings(resolved).store(store).notifier(notifier)
                .contract(() -> contract).redactor(redactor)
                .progress(shard -> quiet ? (a, b) -> { } : new ProgressPrinter(shard, err, 2000))
                .build();
        String definition = options.containsKey("definition") ? read("definition", Path.of(options.get("definition")))
                : LocalWorkflow.packagedDefinition();
        Duration timeout = Duration.ofSeconds(functionTimeout(options.getOrDefault("function-timeout", DEFAULT_FUNCTION_TIMEOUT),
                resolved.get(Settings.DEADLINE_MARGIN_SECONDS)));
        checkBaselineExists(options.get("baseline"), store);
        if (options.containsKey("run-id") && store.get(RunIds.auditLogKey(runId)).isPresent()) {
            // a second run under the same id would overwrite the first one's audit log and compare with its own baseline
            throw new UsageException("--run-id " + runId + ": run " + runId + " already has an audit log at "
                    + store.location(RunIds.auditLogKey(runId)) + "; use a new run id (or omit --run-id)");
        }
        LocalWorkflow workflow = new LocalWorkflow(env, definition, AslOptions.defaults(), timeout);
        if (!quiet) {
            err.println("Run " + runId + ": validating " + (input.path("tenantScope").isArray()
                    ? input.path("tenantScope").size() + " tenant(s)" : "all active tenants") + " ...");
        }
        LocalWorkflow.Run run = workflow.run(runId, input);
        return report(run, output, store);
    }

    /**
     * Where and how a run is reported.
     *
     * @param human             the stream for people: stdout, or stderr when {@code json} keeps stdout for the document
     * @param json              print the {@link JsonSummary} document on stdout
     * @param gateAsked         the run asked a gate question (see {@link #gateAsked}): print its gate lines
     * @param summaryElsewhere  the summary went to SNS (--topic-arn): print the figures here too
     * @param inputFromOptions  false with --input FILE: input errors then name the file's fields, not options
     */
    private record Output(PrintStream human, boolean json, boolean gateAsked, boolean summaryElsewhere,
                          boolean inputFromOptions) {
    }

    /**
     * Whether a run asked the gate's question: a gate run, or thresholds set explicitly (any gate option, or a gate
     * object in --input). The defaults (maxDriftRatio 0, failOnIncomplete) still apply to every run, but then the gate
     * passes exactly when the verdict is CONSISTENT, so a manual run reports its verdict and no "gate failed". A sampled
     * run is never CONSISTENT: its gate compares the interval's upper bound with maxDriftRatio, so its gate line (and
     * the reason, e.g. how many sampled keys would pass) is always printed. {@code sample: 1} is every key, the same as
     * no sample (docs/scale.md), so it asks nothing more than a full run.
     */
    static boolean gateAsked(JsonNode input) {
        return input.has("gate") || "gate".equals(input.path("mode").asText())
                || (input.has("sample") && !(input.get("sample").isNumber() && input.get("sample").asDouble() == 1.0));
    }

    /**
     * Checks --run-id before anything uses it: it names the audit log and the baseline, so a run id such as
     * {@code ../../x} would reach outside --out (the store refuses it, but only as a Java error).
     */
    static String runId(String id) {
        try {
            return RunIds.check("--run-id", id);
        } catch (InvalidInputException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Execution input fields that a CLI option sets, so an input error can name the option the user typed. */
    private static final Map<String, String> OPTION_OF_INPUT_FIELD = Map.ofEntries(
            Map.entry("tenantScope", "--tenants"),
            Map.entry("mode", "--mode"),
            Map.entry("baseline", "--baseline"),
            Map.entry("maxConcurrency", "--max-concurrency"),
            Map.entry("gate.maxDriftRatio", "--max-drift-ratio"),
            Map.entry("gate.scoreTolerance", "--score-tolerance"),
            Map.entry("remediation.maxKeysPerRun", "--max-remediation-keys"),
            Map.entry("remediation.maxKeysPerTenant", "--max-remediation-keys-per-tenant"),
            Map.entry("remediation.maxWritesPerSecond", "--max-writes-per-second"),
            Map.entry("sample", "--sample"),
            Map.entry("throttle.cacheReadsPerSecond", "--max-cache-reads-per-second"),
            Map.entry("throttle.sourceQueriesPerSecond", "--max-source-queries-per-second"));

    /**
     * An error about an execution input field ("tenantScope: ...", as the state machine reports it to console
     * users) rewritten to name the CLI option that set it, with the field kept for searching the docs; null when
     * the message is not about such a field.
     */
    static String inputErrorAsOption(String message) {
        int colon = message.indexOf(": ");
        if (colon <= 0) {
            return null;
        }
        String field = message.substring(0, colon);
        String option = OPTION_OF_INPUT_FIELD.get(field);
        return option == null ? null : option + ": " + message.substring(colon + 2) + " [execution input field " + field + "]";
    }

    /**
     * The execution input read from --input FILE, exactly as the console or EventBridge would pass it: the workflow's
     * ValidateInput state checks it, so the file's errors read as they would in AWS.
     */
    static JsonNode inputFile(Map<String, String> options) {
        List<String> mixed = INPUT_OPTIONS.stream().filter(options::containsKey).map(o -> "--" + o).toList();
        if (!mixed.isEmpty()) {
            throw new UsageException("--input " + options.get("input") + " is the whole execution input; drop " + mixed
                    + " or set the same fields in the file");
        }
        Path file = Path.of(options.get("input"));
        String text;
        try {
            text = TextFiles.readUtf8(file);
        } catch (TextFiles.Unreadable e) {
            throw new UsageException("--input: " + file + " " + e.getMessage());
        }
        if (text.isBlank()) {
            throw new UsageException("--input: " + file + " is empty; write an execution input such as {\"mode\": \"manual\"} (see events/)");
        }
        try {
            return Json.STRICT.readTree(text);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            String field = Json.duplicateField(e);
            if (field != null) {
                // as ValidateInput refuses it in AWS: a plain read would keep the last value and run, say, as a gate
                throw new UsageException("--input: " + file + ": " + field + " is given twice (" + Json.where(e)
                        + "); keep one value (a repeated field would silently replace the first)");
            }
            throw new UsageException("--input: " + file + " is not valid JSON: " + e.getOriginalMessage()
                    + "; write an execution input such as {\"mode\": \"manual\"} (see events/)");
        }
    }

    static ObjectNode executionInput(Map<String, String> options) {
        ObjectNode input = Json.MAPPER.createObjectNode();
        input.put("mode", options.getOrDefault("mode", "manual"));
        if (options.containsKey("tenants")) {
            ArrayNode scope = input.putArray("tenantScope");
            String list = options.get("tenants");
            for (String t : list.split(",", -1)) {
                if (t.isBlank()) {
                    // "a,,b" is more likely a lost id than a wish for two tenants
                    throw new UsageException("--tenants: '" + list + "' has an empty tenant id; separate ids with single"
                            + " commas, e.g. --tenants acme,globex");
                }
                scope.add(t.trim());
            }
        } else {
            input.put("tenantScope", "all");
        }
        ObjectNode gate = Json.MAPPER.createObjectNode();
        if (options.containsKey("max-drift-ratio")) {
            gate.put("maxDriftRatio", ratio(options, "max-drift-ratio", "a ratio from 0 to 1, e.g. 0.001"));
        }
        if (options.containsKey("score-tolerance")) {
            gate.put("scoreTolerance", ratio(options, "score-tolerance", "a ratio from 0 to 1, e.g. 0.01"));
        }
        if (options.containsKey("fail-on-regression")) {
            gate.put("failOnRegression", true);
        }
        if (options.containsKey("allow-remediation")) {
            gate.put("allowRemediation", true);
        }
        if (options.containsKey("fail-on-incomplete")) {
            gate.put("failOnIncomplete", true);
        }
        if (options.containsKey("no-fail-on-incomplete")) {
            gate.put("failOnIncomplete", false);
        }
        if (!gate.isEmpty()) {
            input.set("gate", gate);
        }
        if (options.containsKey("max-concurrency")) {
            input.put("maxConcurrency", positiveInt(options.get("max-concurrency"), "max-concurrency"));
        }
        if (options.containsKey("remediate")) {
            if ("gate".equals(options.get("mode")) && !options.containsKey("allow-remediation")) {
                throw new UsageException("--remediate with --mode gate: a pre-rollout gate must not change the cache;"
                        + " drop --remediate, or add --allow-remediation to let this gate run remediate");
            }
            input.put("remediate", true);
        }
        if (options.containsKey("baseline")) {
            input.put("baseline", options.get("baseline"));
        }
        // range checks are the parser's (it names the input field); the CLI only turns text into numbers
        ObjectNode remediation = Json.MAPPER.createObjectNode();
        if (options.containsKey("max-remediation-keys")) {
            remediation.put("maxKeysPerRun", positiveInt(options.get("max-remediation-keys"), "max-remediation-keys"));
        }
        if (options.containsKey("max-remediation-keys-per-tenant")) {
            remediation.put("maxKeysPerTenant", positiveInt(options.get("max-remediation-keys-per-tenant"),
                    "max-remediation-keys-per-tenant"));
        }
        if (options.containsKey("max-writes-per-second")) {
            remediation.put("maxWritesPerSecond", positiveNumber(options.get("max-writes-per-second"), "max-writes-per-second"));
        }
        if (!remediation.isEmpty()) {
            input.set("remediation", remediation);
        }
        if (options.containsKey("sample")) {
            input.put("sample", ratio(options, "sample", "a fraction above 0 and at most 1, e.g. 0.01"));
        }
        ObjectNode throttle = Json.MAPPER.createObjectNode();
        if (options.containsKey("max-cache-reads-per-second")) {
            throttle.put("cacheReadsPerSecond", positiveNumber(options.get("max-cache-reads-per-second"), "max-cache-reads-per-second"));
        }
        if (options.containsKey("max-source-queries-per-second")) {
            throttle.put("sourceQueriesPerSecond", positiveNumber(options.get("max-source-queries-per-second"),
                    "max-source-queries-per-second"));
        }
        if (!throttle.isEmpty()) {
            input.set("throttle", throttle);
        }
        return input;
    }

    private static double ratio(Map<String, String> options, String option, String range) {
        try {
            return Double.parseDouble(options.get(option));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + ": '" + options.get(option) + "' is not a number; use " + range);
        }
    }

    private int report(LocalWorkflow.Run run, Output output, ObjectStore store) {
        ExecutionResult result = run.execution();
        if (run.auditLog().isEmpty()) {
            String where = "run " + run.runId() + " " + result.status() + " at " + failedState(result) + ": " + result.error();
            String cause = causeMessage(result.cause());
            String flagged = output.inputFromOptions() ? inputErrorAsOption(cause) : null;
            String line = flagged != null ? flagged + " (" + where + ")" : where + ": " + cause;
            err.println("error: " + line);
            if (output.json()) {
                out.println(JsonSummary.failed(run.runId(), line));
            }
            return INCOMPLETE_OR_ERROR;
        }
        AuditLog log = run.auditLog().get();
        RunSummary s = log.summary();
        PrintStream human = output.human();
        if (output.summaryElsewhere()) {
            human.println(humanSummary(log, run.auditLogLocation()));
        }
        // a summary that could not be published does not fail the run (the audit log is its record), but say so
        List<String> warnings = log.steps().stream()
                .filter(step -> step.action().equals("publish-summary") && step.status().equals("failed"))
                .map(step -> "the summary was not published: " + step.details().get("error")).toList();
        warnings.forEach(w -> err.println("warning: " + w));
        // the HTML report next to the audit log (docs/report.md): the console summary has its "Report:" line; when the
        // summary went to SNS (which links the S3 console page), print where the report is here too
        // (report: its location, or null when the run wrote none; --json prints it too)
        AuditStep reportStep = log.steps().stream().filter(step -> step.action().equals("write-report")).findFirst()
                .orElse(null);
        String report = reportStep != null && reportStep.status().equals("succeeded")
                ? store.location(RunReports.key(run.runId())) : null;
        if (reportStep != null && report == null) {
            err.println("warning: the report was not written: " + reportStep.details().get("error"));
        } else if (report != null && output.summaryElsewhere()) {
            human.println("Report: " + report);
        }
        boolean gateFailed = !result.succeeded() && GATE_FAILED.equals(result.error());
        if (!result.succeeded() && !gateFailed) {
            human.println("Run failed (" + result.error() + "): " + causeMessage(result.cause()));
        } else if (output.gateAsked()) {
            human.println(gateFailed ? "Gate failed (" + result.error() + "): " + causeMessage(result.cause())
                    : "Gate passed. Audit log: " + run.auditLogLocation());
        }
        int code = exitCode(s.verdict(), result.succeeded(), "gate".equals(log.trigger().mode()));
        if (output.json()) {
            out.println(JsonSummary.of(log, run.auditLogLocation(), report, output.gateAsked(), code, warnings));
        }
        return code;
    }

    /** The error of the state machine's Fail state for a failed gate. */
    static final String GATE_FAILED = "ConsistencyGateFailed";

    /**
     * The exit code of a run that got as far as its audit log. A {@code gate} run answers the gate's question, as the
     * state machine does for CodePipeline: 0 when the gate passed (drift within --max-drift-ratio, or an incomplete run
     * with --no-fail-on-incomplete), otherwise 1, or 2 when the run was incomplete. Other modes report the verdict:
     * 0 consistent, 1 drift (or a failed gate), 2 incomplete.
     */
    static int exitCode(Verdict verdict, boolean gatePassed, boolean gateMode) {
        if (gateMode && gatePassed) {
            return CONSISTENT;
        }
        if (verdict == Verdict.INCOMPLETE) {
            return INCOMPLETE_OR_ERROR;
        }
        return verdict == Verdict.DRIFT || !gatePassed ? DRIFT : CONSISTENT;
    }

    static String humanSummary(AuditLog log, String location) {
        RunSummary s = log.summary();
        Map<DriftClass, Long> c = s.counts();
        List<String> worst = new ArrayList<>();
        s.worstTenants().forEach(t -> worst.add(t.tenant() + " " + t.score() + " (" + t.driftedKeys() + " drifted)"));
        String incomplete = Aggregate.incompleteLines(log.shards(), "plain".equals(log.keyScheme())).stream()
                .map(line -> "  " + line + System.lineSeparator()).collect(java.util.stream.Collectors.joining());
        return String.format(Locale.ROOT, "Run %s: %s%nTenants validated: %d of %d%nKeys checked: %d, drifted: %d"
                        + " (stale %d, orphan %d, corrupt %d, unmapped %d), in flight: %d%nConsistency score: %s%n"
                        + "Worst tenants: %s%n%s%s%s%n%s%nAudit log: %s",
                log.runId(), s.verdict(), s.tenantsValidated(), s.tenantsInScope(), s.keysChecked(), s.driftedKeys(),
                c.get(DriftClass.STALE), c.get(DriftClass.ORPHAN), c.get(DriftClass.CORRUPT), c.get(DriftClass.UNMAPPED),
                c.get(DriftClass.IN_FLIGHT), s.consistencyScore() + (s.verdict() == Verdict.INCOMPLETE
                        ? " (of the keys checked; part of the scope was not checked)" : ""), worst.isEmpty() ? "none" : String.join(", ", worst),
                incomplete, log.sampling() == null ? "" : Aggregate.samplingLine(log) + System.lineSeparator(), Aggregate.baselineLine(log), Aggregate.remediationLine(log), location);
    }

    /** The state whose error ended the run: the last one caught, else the last one failed. */
    private static String failedState(ExecutionResult result) {
        String failed = "?";
        for (var event : result.history()) {
            if (event.type().equals("caught")) {
                return event.stateName();
            }
            if (event.type().equals("failed") && failed.equals("?")) {
                failed = event.stateName();
            }
        }
        return failed;
    }

    /** Lambda causes are {"errorMessage","errorType"} documents; show the message only. */
    public static String causeMessage(String cause) {
        if (cause == null) {
            return "(no cause)";
        }
        try {
            var node = Json.MAPPER.readTree(cause);
            if (node != null && node.hasNonNull("errorMessage")) {
                return node.get("errorMessage").asText();
            }
        } catch (IOException notJson) {
            // a plain cause is shown as it is
        }
        return cause;
    }

    private static int positiveInt(String text, String option) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + option + ": '" + text + "' is not a positive whole number; use one such as 4");
    }

    /**
     * A named baseline that does not exist would fail the run only at Aggregate, after every shard was validated;
     * the CLI can see the store, so it says so before the run starts. Malformed names are left to ValidateInput.
     */
    static void checkBaselineExists(String baseline, ObjectStore store) {
        BaselineSelection selection;
        try {
            selection = BaselineSelection.parse(baseline);
        } catch (InvalidInputException malformed) {
            return;
        }
        if (selection instanceof BaselineSelection.Run named
                && store.get(ObjectStoreBaselineStore.key(named.runId())).isEmpty()) {
            throw new UsageException("--baseline " + named.runId() + ": no baseline for run " + named.runId() + " at "
                    + store.location(ObjectStoreBaselineStore.key(named.runId())) + "; name a run that saved one (see"
                    + " baselines/ in --out or --bucket), or use latest or none");
        }
    }

    /**
     * The per-call budget of --function-timeout. ValidateShard stops {@code margin} seconds before it (as in Lambda),
     * so a budget at or below the margin would leave the shard no time and every run would be INCOMPLETE.
     */
    static int functionTimeout(String text, int marginSeconds) {
        int seconds = positiveInt(text, "function-timeout");
        if (seconds <= marginSeconds) {
            throw new UsageException("--function-timeout: " + seconds + " s leaves no time to validate: each shard stops "
                    + marginSeconds + " s before the timeout (like ValidateShard in Lambda); use more than " + marginSeconds
                    + ", e.g. 900 (the default)");
        }
        return seconds;
    }

    private static double positiveNumber(String text, String option) {
        try {
            double value = Double.parseDouble(text);
            if (value > 0 && !Double.isInfinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + option + ": '" + text + "' is not a positive number, e.g. 50");
    }

    /** The text of a file an option names, or an error naming the option. */
    private static String read(String option, Path file) {
        try {
            return TextFiles.readUtf8(file);
        } catch (TextFiles.Unreadable e) {
            throw new UsageException("--" + option + ": " + file + " " + e.getMessage());
        }
    }

    private static String resource(String name) {
        try (var in = CacheCheckCli.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new UsageException(name + " is not packaged; run from the repository root");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot read the packaged " + name + "; rebuild the jar (mvn package)");
        }
    }
}
