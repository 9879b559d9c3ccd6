package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.local.cli.ReportCommand;
import io.cachecheck.notify.Notifier;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.remediate.TestContracts;
import io.cachecheck.report.HtmlReport;
import io.cachecheck.report.RunReports;
import io.cachecheck.report.SyntheticRun;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.testing.RedisServerProcess;
import io.cachecheck.workflow.Aggregate;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HTML report of real runs (the demo dataset through the whole local workflow, in schema cc_report_browser and
 * a throw-away Redis), opened from its file in headless Chromium: the DOM after the page's script ran holds the
 * verdict, counts and the injected keys (a hostile key as text, never markup), the inline script ran under the
 * page's Content Security Policy, and a screenshot is written to target/. Also a 10,000-tenant report searched in
 * the browser. Skipped (assumption) without a Chromium binary.
 */
class ReportBrowserIT {
    private static final String SCHEMA = "cc_report_browser";
    /** A key the customer id column refuses (UNMAPPED), whose text is markup that would retitle the page if it ran. */
    static final String HOSTILE_KEY = "demo:acme:customer:<img src=x onerror=\"document.title='pwned'\">";
    private static RedisServerProcess redis;
    private static DemoData data;

    @TempDir
    Path out;

    @BeforeAll
    static void seed() throws Exception {
        redis = RedisServerProcess.start();
        data = new DemoData("jdbc:postgresql://127.0.0.1:5432/test", "postgres", SCHEMA,
                URI.create("redis://127.0.0.1:" + redis.port() + "/0"));
        data.seed();
        try (Jedis jedis = redis.client()) {
            jedis.set(HOSTILE_KEY, "{\"tier\":\"gold\"}");
        }
    }

    @AfterAll
    static void drop() throws Exception {
        if (data != null) {
            data.drop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static Contract contract() throws IOException {
        return ContractLoader.create().parse(Files.readString(Path.of("../docs/examples/demo-contract.yaml"))
                .replace("cachecheck_demo.", SCHEMA + ".")
                .replace("${CACHECHECK_DEMO_REDIS:-127.0.0.1:6379}/9", "127.0.0.1:" + redis.port() + "/0")
                .replace("${CACHECHECK_DEMO_PG:-127.0.0.1:5432}", "127.0.0.1:5432")
                .replace("graceMillis: 200", "graceMillis: 0\n  maxRetries: 1\n  retryBackoffMillis: 10"));
    }

    private LocalWorkflow.Run run(String runId, KeyRedactor redactor, List<String> messages) throws Exception {
        Contract contract = contract();
        Notifier notifier = (subject, message) -> messages.add(message);
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(new DirectoryObjectStore(out)).notifier(notifier)
                .contract(() -> contract).redactor(redactor).build();
        return new LocalWorkflow(env, LocalWorkflow.packagedDefinition(), AslOptions.defaults().withRetryIntervalScale(0),
                Duration.ofMinutes(5)).run(runId, Json.MAPPER.readTree("{\"mode\":\"manual\"}"));
    }

    @Test
    void demoRunReport_inChromium_showsTheRunsDriftAsText_andRunsItsScriptUnderTheCsp() throws Exception {
        Path chromium = chromium();
        List<String> messages = new ArrayList<>();
        run("report-1", KeyRedactor.disabled(), messages);
        LocalWorkflow.Run second = run("report-2", KeyRedactor.disabled(), messages);
        AuditLog log = second.auditLog().orElseThrow();
        Path report = out.resolve("audit/report-2.html");

        // the summary links the report: locally its file path
        assertThat(messages.get(1)).contains("Report: " + report.toAbsolutePath().normalize());
        String html = Files.readString(report);
        for (String value : LocalWorkflowIT.SEEDED_VALUES) {
            assertThat(html).as("a seeded value in the report").doesNotContain(value);
        }

        String dom = dumpDom(chromium, report.toUri().toString());
        assertThat(dom).contains("<title>cachecheck run report-2: DRIFT</title>");
        assertThat(dom).contains("id=\"verdict\" class=\"banner v-DRIFT\">DRIFT</span>");
        assertThat(dom).contains("id=\"keys-checked\">" + log.summary().keysChecked() + "</dd>");
        assertThat(dom).contains("id=\"drifted-keys\">6 (stale 1, orphan 1, corrupt 1, unmapped 3)</dd>");
        assertThat(dom).contains("id=\"drift-count\">6 of 6 drifted keys shown");
        assertThat(dom).contains(">demo:acme:customer:3</td>", ">demo:acme:customer:99</td>", ">demo:globex:order:2</td>",
                ">demo:umbrella:customer:1</td>", ">demo:misc:session:abc</td>");
        // the hostile key is text in a cell (the browser serialises it escaped), never an element
        assertThat(dom).contains(">demo:acme:customer:&lt;img src=x onerror=\"document.title='pwned'\"&gt;</td>");
        assertThat(dom).doesNotContain("<img");
        // first seen: run 1 saw these keys, run 2 carries the date; remediation is a dry run
        assertThat(dom).contains("(run report-1)</td>");
        assertThat(dom).contains(">invalidate planned (dry run)</td>", ">no action: unmapped</td>");
        // the gate of a manual run, as a person reads it
        assertThat(dom).contains("<strong>No pre-rollout gate</strong> (a manual run). Its thresholds still decide the"
                + " execution's status: crossed, so the execution ends as ConsistencyGateFailed.");
        // the trend of the two baselines
        assertThat(ReportScale.count(dom, "<circle ")).isEqualTo(2);
        // the page's script ran (it unhides the search box and the drift filter): the CSP hash matches the script
        assertThat(dom).contains("<div id=\"tenant-search-box\">").contains("<p id=\"drift-filter-box\">");

        // without JavaScript the page is still the report: the served HTML (what a browser without scripts shows)
        // holds every table, the search box stays hidden and the noscript note says why. (Headless Chromium cannot
        // dump the DOM or take a screenshot with scripts disabled, so this is checked on the file.)
        assertThat(ReportScale.count(html, "<tr data-class=")).isEqualTo(6);
        assertThat(html).contains("<div id=\"tenant-search-box\" hidden>", "<p id=\"drift-filter-box\" hidden>",
                "<noscript><p class=\"note\">Searching needs JavaScript; the worst tenants are listed above");

        Path shot = screenshot(chromium, report.toUri().toString(), "report-demo.png");
        assertThat(Files.size(shot)).isGreaterThan(10_000);

        // regenerated from the stored audit log and baselines: the same page (the trend as it was at run 2)
        byte[] written = Files.readAllBytes(report);
        Files.delete(report);
        String location = ReportCommand.regenerate("report-2", new DirectoryObjectStore(out));
        assertThat(location).isEqualTo(report.toAbsolutePath().normalize().toString());
        assertThat(Files.readAllBytes(report)).isEqualTo(written);
        // run 1's report regenerated now leaves out run 2's later baseline
        ReportCommand.regenerate("report-1", new DirectoryObjectStore(out));
        assertThat(ReportScale.count(Files.readString(out.resolve("audit/report-1.html")), "<circle ")).isEqualTo(1);
    }

    @Test
    void redactedRun_reportShowsOnlyKeyedHashes() throws Exception {
        Path chromium = chromium();
        List<String> messages = new ArrayList<>();
        LocalWorkflow.Run run = run("report-redacted", KeyRedactor.hmac("0123456789abcdef0123456789abcdef".getBytes()), messages);
        AuditLog log = run.auditLog().orElseThrow();
        String html = Files.readString(out.resolve("audit/report-redacted.html"));

        assertThat(html).doesNotContain("demo:acme:customer", "demo:globex:order", "demo:misc:session", "onerror");
        for (var f : log.findings()) {
            assertThat(f.key()).startsWith("hmac:");
            assertThat(html).contains(f.key());
        }
        String dom = dumpDom(chromium, out.resolve("audit/report-redacted.html").toUri().toString());
        assertThat(dom).contains("Keys are redacted (" + log.keyScheme() + ")");
        assertThat(ReportScale.count(dom, ">hmac:")).isEqualTo(6);
    }

    @Test
    void tenThousandTenantReport_rendersAndSearchesInChromium() throws Exception {
        Path chromium = chromium();
        DirectoryObjectStore store = new DirectoryObjectStore(out);
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(store).notifier((s, m) -> { })
                .contract(() -> TestContracts.contract("syn")).redactor(KeyRedactor.disabled()).build();
        new Aggregate(env).aggregate(new Aggregate.Request("syn-big", SyntheticRun.startedAt(0),
                Json.MAPPER.readTree("{\"mode\":\"scheduled\"}"), null,
                SyntheticRun.store(store, "syn-big", 10_000, 0, KeyRedactor.disabled())));
        Path report = out.resolve(RunReports.key("syn-big"));
        assertThat(Files.size(report)).isLessThan(HtmlReport.MAX_REPORT_BYTES);

        long t0 = System.nanoTime();
        String dom = dumpDom(chromium, report.toUri() + "#q=t0994");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("Chromium loaded and searched the 10,000-tenant report (%d bytes) in %d ms%n", Files.size(report), millis);
        assertThat(millis).isLessThan(60_000);
        // t09940..t09949 match; the result rows are built by the script from the embedded index
        assertThat(dom).contains("id=\"tenant-result-count\">10 tenant(s) match</span>");
        assertThat(dom).contains("<tr><td>t09947</td>");
        screenshot(chromium, report.toUri() + "#q=t0994", "report-10000-tenants.png");
    }

    // ---- Chromium ---------------------------------------------------------------------------------------------

    /** The Chromium binary, or the test is skipped. */
    static Path chromium() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, name));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/chromium"));
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        assumeTrue(false, "no Chromium installed (apt-get install chromium); the browser test is skipped");
        return null;
    }

    private String dumpDom(Path chromium, String url) throws Exception {
        return new String(chromium(chromium, List.of("--dump-dom", url)), StandardCharsets.UTF_8);
    }

    private Path screenshot(Path chromium, String url, String name) throws Exception {
        Path dir = Path.of("target", "report-screenshots");
        Files.createDirectories(dir);
        Path shot = dir.resolve(name).toAbsolutePath();
        chromium(chromium, List.of("--screenshot=" + shot, "--window-size=1280,2200", url));
        assertThat(shot).exists();
        return shot;
    }

    private byte[] chromium(Path chromium, List<String> args) throws Exception {
        Path profile = Files.createTempDirectory(out, "chromium-");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        command.addAll(args);
        Path stdout = out.resolve("chromium-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish in 120 s: " + command);
        }
        assertThat(p.exitValue()).as("chromium exit code").isEqualTo(0);
        return Files.readAllBytes(stdout);
    }

    /** Counting helper shared with the functions module's scale test. */
    static final class ReportScale {
        static int count(String html, String needle) {
            int n = 0;
            for (int i = html.indexOf(needle); i >= 0; i = html.indexOf(needle, i + 1)) {
                n++;
            }
            return n;
        }
    }
}
