package io.cachecheck.local.cli;

import io.cachecheck.check.Verdict;
import io.cachecheck.store.DirectoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Command-line handling that needs no services: options, exit codes, refusals before a run starts. */
class CacheCheckCliTest {

    @Test
    void anAtSign_isPartOfTheValue_notPicocliReadingArgumentsFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tenants");
        Files.writeString(file, "from-the-file");

        assertThat(CacheCheckCli.options(new String[]{"validate", "--contract", "c.yaml", "--tenants", "@" + file}))
                .containsEntry("tenants", "@" + file);
    }

    @Test
    void aValuedOptionFollowedByAnotherOption_isAMissingValue_notAValue() {
        assertThatThrownBy(() -> CacheCheckCli.options(new String[]{"validate", "--tenants", "--quiet"}))
                .hasMessage("--tenants needs a value, see --help");
        assertThatThrownBy(() -> CacheCheckCli.options(new String[]{"validate", "--out", "--run-id=x"}))
                .hasMessage("--out needs a value, see --help");
        // a value that merely starts with dashes but is no option is still a value (picocli checks the required
        // --contract while parsing, so it is given here)
        assertThat(CacheCheckCli.options(new String[]{"validate", "--contract", "c.yaml", "--tenants", "--not-an-option"}))
                .containsEntry("tenants", "--not-an-option");
    }

    @Test
    void unknownOption_suggestsTheClosestOne() {
        assertThatThrownBy(() -> CacheCheckCli.options(new String[]{"validate", "--maxConcurency", "8"}))
                .hasMessage("unknown option --maxConcurency (did you mean --max-concurrency?), see --help");
        assertThatThrownBy(() -> CacheCheckCli.options(new String[]{"validate", "--frobnicate"}))
                .hasMessage("unknown option --frobnicate, see --help");
    }

    @Test
    void tenantsWithAnEmptyId_isRefused() {
        for (String list : List.of("t01,,t02", "t01,", ",t01")) {
            assertThatThrownBy(() -> CacheCheckCli.executionInput(Map.of("tenants", list)))
                    .hasMessage("--tenants: '" + list + "' has an empty tenant id; separate ids with single commas, e.g. --tenants acme,globex");
        }
        assertThat(CacheCheckCli.executionInput(Map.of("tenants", "t01, t02")).get("tenantScope").toString())
                .isEqualTo("[\"t01\",\"t02\"]");
    }

    @Test
    void remediateInAGateRun_needsAllowRemediation_andTheErrorNamesTheFlag() {
        assertThatThrownBy(() -> CacheCheckCli.executionInput(Map.of("mode", "gate", "remediate", "true")))
                .hasMessageContaining("--allow-remediation");
        assertThat(CacheCheckCli.executionInput(Map.of("mode", "gate", "remediate", "true", "allow-remediation", "true"))
                .get("remediate").asBoolean()).isTrue();
    }

    @Test
    void inputErrors_nameTheOptionThatSetTheField() {
        assertThat(CacheCheckCli.inputErrorAsOption("tenantScope: tenants [x] are not active (not returned by tenants.sql); remove them"))
                .isEqualTo("--tenants: tenants [x] are not active (not returned by tenants.sql); remove them"
                        + " [execution input field tenantScope]");
        assertThat(CacheCheckCli.inputErrorAsOption("gate.maxDriftRatio: 2.0 is invalid; use a number from 0 to 1"))
                .isEqualTo("--max-drift-ratio: 2.0 is invalid; use a number from 0 to 1 [execution input field gate.maxDriftRatio]");
        assertThat(CacheCheckCli.inputErrorAsOption("remediation.maxKeysPerTenant: 0 is invalid"))
                .startsWith("--max-remediation-keys-per-tenant: 0 is invalid");
        // anything else is printed as the state machine reported it
        assertThat(CacheCheckCli.inputErrorAsOption("namespace orders: column 'x' is mapped but ...")).isNull();
        assertThat(CacheCheckCli.inputErrorAsOption("no colon here")).isNull();
    }

    @Test
    void anInputFileThatGivesAFieldTwice_isRefusedNamingTheFieldAndWhere(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("input.json");
        Files.writeString(file, "{\"mode\": \"manual\",\n \"mode\": \"gate\"}");

        assertThatThrownBy(() -> CacheCheckCli.inputFile(Map.of("input", file.toString())))
                .hasMessage("--input: " + file + ": mode is given twice (line 2, column 8); keep one value (a repeated field"
                        + " would silently replace the first)");
        Files.writeString(file, "{\"mode\": \"gate\", \"gate\": {\"failOnIncomplete\": true, \"failOnIncomplete\": false}}");
        assertThatThrownBy(() -> CacheCheckCli.inputFile(Map.of("input", file.toString())))
                .hasMessageStartingWith("--input: " + file + ": gate.failOnIncomplete is given twice (line 1, column ");
    }

    @Test
    void anInputFileThatIsNotUtf8OrIsADirectory_saysSoAndHowToFixIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("input.json");
        Files.write(file, "{\"mode\": \"man\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> CacheCheckCli.inputFile(Map.of("input", file.toString())))
                .hasMessage("--input: " + file + " is not UTF-8: byte 0xE9 at line 1, column 14 is not valid UTF-8 (a Latin-1"
                        + " or Windows-1252 file?); save the file as UTF-8");
        assertThatThrownBy(() -> CacheCheckCli.inputFile(Map.of("input", dir.toString())))
                .hasMessage("--input: " + dir + " is a directory; pass the path of the file");
    }

    @Test
    void aRunIdThatWouldLeaveTheStore_isRefusedNamingTheOption(@TempDir Path dir) throws Exception {
        Path contract = dir.resolve("contract.yaml");
        Files.writeString(contract, CONTRACT_ON_CLOSED_PORTS);
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));

        int code = cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", dir.resolve("out").toString(),
                "--run-id", "../../x", "--quiet"});

        assertThat(code).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        assertThat(stderr.toString(StandardCharsets.UTF_8).trim()).isEqualTo("error: --run-id: '../../x' is not a valid id;"
                + " use 1-128 letters, digits, _ . : - starting with a letter or digit, not 'latest'");
    }

    /** Nothing listens on these ports: a refusal must come before any connection. */
    private static final String CONTRACT_ON_CLOSED_PORTS = """
            version: 1
            cache: {url: "redis://127.0.0.1:1/2"}
            source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:1/test", auth: {username: postgres}}
            tenants: {sql: "SELECT tenant_id FROM tenants"}
            namespaces:
              - name: item
                keyPattern: "t:{tenant_id}:item:{id}"
                valueType: string
                sql: "SELECT id, v FROM items WHERE tenant_id = :tenant_id AND id IN (:id)"
                column: v
            """;

    @Test
    void functionTimeout_mustLeaveTimeAfterTheDeadlineMargin() {
        assertThat(CacheCheckCli.functionTimeout("900", 30)).isEqualTo(900);
        assertThat(CacheCheckCli.functionTimeout("31", 30)).isEqualTo(31);
        assertThatThrownBy(() -> CacheCheckCli.functionTimeout("30", 30))
                .hasMessageContaining("--function-timeout: 30 s leaves no time to validate")
                .hasMessageContaining("use more than 30");
        assertThatThrownBy(() -> CacheCheckCli.functionTimeout("0", 30))
                .hasMessage("--function-timeout: '0' is not a positive whole number; use one such as 4");
    }

    @Test
    void exitCode_followsTheVerdict_butAGateRunFollowsItsGate() {
        // manual / scheduled: the verdict (tests and docs rely on DRIFT = 1 even with a tolerant gate)
        assertThat(CacheCheckCli.exitCode(Verdict.CONSISTENT, true, false)).isEqualTo(CacheCheckCli.CONSISTENT);
        assertThat(CacheCheckCli.exitCode(Verdict.DRIFT, true, false)).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(CacheCheckCli.exitCode(Verdict.INCOMPLETE, true, false)).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        assertThat(CacheCheckCli.exitCode(Verdict.CONSISTENT, false, false)).isEqualTo(CacheCheckCli.DRIFT);
        // gate: a pipeline step must pass when the gate passed
        assertThat(CacheCheckCli.exitCode(Verdict.DRIFT, true, true)).isEqualTo(CacheCheckCli.CONSISTENT);
        assertThat(CacheCheckCli.exitCode(Verdict.INCOMPLETE, true, true)).isEqualTo(CacheCheckCli.CONSISTENT);
        assertThat(CacheCheckCli.exitCode(Verdict.DRIFT, false, true)).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(CacheCheckCli.exitCode(Verdict.CONSISTENT, false, true)).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(CacheCheckCli.exitCode(Verdict.INCOMPLETE, false, true)).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
    }

    @Test
    void aRunIdThatAlreadyHasAnAuditLog_isRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path contract = dir.resolve("contract.yaml");
        // nothing listens on these ports: the refusal must come before any connection
        Files.writeString(contract, """
                version: 1
                cache: {url: "redis://127.0.0.1:1/2"}
                source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:1/test", auth: {username: postgres}}
                tenants: {sql: "SELECT tenant_id FROM tenants"}
                namespaces:
                  - name: item
                    keyPattern: "t:{tenant_id}:item:{id}"
                    valueType: string
                    sql: "SELECT id, v FROM items WHERE tenant_id = :tenant_id AND id IN (:id)"
                    column: v
                """);
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("audit"));
        Files.writeString(out.resolve("audit/run-1.json"), "{}");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));

        int code = cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(),
                "--run-id", "run-1", "--quiet"});

        assertThat(code).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        assertThat(stderr.toString(StandardCharsets.UTF_8).trim()).startsWith("error: --run-id run-1: run run-1 already"
                + " has an audit log at ").endsWith("; use a new run id (or omit --run-id)");
        assertThat(Files.readString(out.resolve("audit/run-1.json"))).isEqualTo("{}");
        assertThat(out.resolve("baselines")).doesNotExist();
    }

    @Test
    void aNamedBaselineThatDoesNotExist_isRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        DirectoryObjectStore store = new DirectoryObjectStore(dir);

        assertThatThrownBy(() -> CacheCheckCli.checkBaselineExists("run-7", store))
                .hasMessageStartingWith("--baseline run-7: no baseline for run run-7 at ")
                .hasMessageEndingWith("; name a run that saved one (see baselines/ in --out or --bucket), or use latest or none");

        Files.createDirectories(dir.resolve("baselines"));
        Files.writeString(dir.resolve("baselines/run-7.json"), "{}");
        CacheCheckCli.checkBaselineExists("run-7", store);
        CacheCheckCli.checkBaselineExists("latest", store);
        CacheCheckCli.checkBaselineExists("none", store);
        CacheCheckCli.checkBaselineExists(null, store);
        CacheCheckCli.checkBaselineExists("../x", store); // malformed: ValidateInput names the field
    }

    @Test
    void humanSummary_listsWhatWasNotChecked_beforeTheBaselineLine() {
        java.util.Map<io.cachecheck.check.DriftClass, Long> counts = new java.util.EnumMap<>(io.cachecheck.check.DriftClass.class);
        for (io.cachecheck.check.DriftClass c : io.cachecheck.check.DriftClass.values()) {
            counts.put(c, 0L);
        }
        var summary = new io.cachecheck.audit.RunSummary(Verdict.INCOMPLETE, 2, 0, 0, 0, 0, 0, counts, 100, 0,
                java.util.List.of(), 1, 1, 0, 0, 0, 0, 0);
        var shard = new io.cachecheck.audit.ShardReport("shard-0", Verdict.INCOMPLETE, java.util.List.of("acme", "globex"),
                5, 0, 0, 0, counts, java.util.List.of(
                        new io.cachecheck.check.Skipped("acme", null, "127.0.0.1:6999", 0, "cache-unavailable"),
                        new io.cachecheck.check.Skipped("globex", null, "127.0.0.1:6999", 0, "cache-unavailable")),
                "runs/r/shards/shard-0.json", null, null);
        var log = new io.cachecheck.audit.AuditLog(1, "r-1", null, null, null, "plain", summary, null, java.util.List.of(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(shard), java.util.List.of(), false,
                java.util.List.of(), new io.cachecheck.audit.ComparisonReport("none", null, null, java.util.List.of(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(), "baselines/r-1.json"), null);

        String text = CacheCheckCli.humanSummary(log, "out/audit/r-1.json");

        assertThat(text).contains("Worst tenants: none" + System.lineSeparator()
                + "  shard-0: acme, globex not checked on 127.0.0.1:6999: cache-unavailable" + System.lineSeparator()
                + "Baseline: none to compare with (baseline none); regressions: 0").endsWith("Audit log: out/audit/r-1.json");
    }

    @Test
    void anUnexpectedError_isOneShortLine() {
        assertThat(CacheCheckCli.unexpected(new IllegalStateException("first line\n\tat some.Frame")))
                .isEqualTo("java.lang.IllegalStateException: first line");
        assertThat(CacheCheckCli.unexpected(new IllegalStateException("x".repeat(400)))).hasSize(
                "java.lang.IllegalStateException: ".length() + 303);
        assertThat(CacheCheckCli.unexpected(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
    }
}
