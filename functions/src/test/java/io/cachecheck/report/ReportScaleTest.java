package io.cachecheck.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.remediate.TestContracts;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.workflow.Aggregate;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.RunIds;
import io.cachecheck.workflow.ShardSummary;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 tenants over three runs, through Aggregate (audit log, baseline and report as in production): the report
 * stays under {@link HtmlReport#MAX_REPORT_BYTES}, shows aggregates (worst 25, a bucketed heat map, 200 drift rows
 * with counts of the rest), indexes every tenant for search, draws the trend of the three baselines, and escapes
 * the hostile tenant id and key.
 */
class ReportScaleTest {
    private static final int TENANTS = 10_000;

    @TempDir
    Path dir;

    @Test
    void tenThousandTenants_reportIsBoundedAggregatedSearchableAndEscaped() throws Exception {
        DirectoryObjectStore store = new DirectoryObjectStore(dir);
        List<String> messages = new ArrayList<>();
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(store)
                .notifier((subject, message) -> messages.add(message))
                .contract(() -> TestContracts.contract("syn")).redactor(KeyRedactor.disabled()).build();
        long renderMillis = 0;
        for (int g = 0; g < 3; g++) {
            List<ShardSummary> shards = SyntheticRun.store(store, "syn-" + g, TENANTS, g, KeyRedactor.disabled());
            long t0 = System.nanoTime();
            new Aggregate(env).aggregate(new Aggregate.Request("syn-" + g, SyntheticRun.startedAt(g),
                    Json.MAPPER.readTree("{\"mode\":\"scheduled\"}"), null, shards));
            renderMillis = (System.nanoTime() - t0) / 1_000_000;
        }
        byte[] bytes = store.get(RunReports.key("syn-2")).orElseThrow();
        String html = new String(bytes, StandardCharsets.UTF_8);
        System.out.printf("report of 10,000 tenants: %d bytes; Aggregate (audit log, baseline, report) %d ms%n",
                bytes.length, renderMillis);

        // the report alone, regenerated from the stored audit log (reads the 3 baselines and renders)
        io.cachecheck.audit.AuditLog log = Json.MAPPER.readValue(store.get(RunIds.auditLogKey("syn-2")).orElseThrow(),
                io.cachecheck.audit.AuditLog.class);
        long r0 = System.nanoTime();
        byte[] again = RunReports.render(store, log, RunIds.auditLogKey("syn-2"));
        System.out.printf("the report alone (3 baselines of %d bytes each read, page rendered): %d ms%n",
                store.get("baselines/syn-2.json").orElseThrow().length, (System.nanoTime() - r0) / 1_000_000);
        assertThat(again).isEqualTo(bytes);

        assertThat(bytes.length).isLessThan(HtmlReport.MAX_REPORT_BYTES);
        assertThat(messages.get(2)).contains("Report: " + store.location("audit/syn-2.html"));
        // drift: tenants i % 20 == 7 (500 of them) have 1 + (i/20)%3 + generation STALE keys; i % 40 == 7 one ORPHAN
        long stale = 0;
        long orphan = 0;
        for (int i = 7; i < TENANTS; i += 20) {
            stale += 1 + (i / 20) % 3 + 2;
            orphan += i % 40 == 7 ? 1 : 0;
        }
        assertThat(text(html, "drift-count")).isEqualTo("200 of " + (stale + orphan)
                + " drifted keys shown (by class, tenant, namespace, key); not shown: STALE " + (stale - 200)
                + ", ORPHAN " + orphan + " (all are in the audit log).");
        assertThat(count(html, "<tr data-class=")).isEqualTo(200);
        assertThat(text(html, "worst-count")).isEqualTo("25 of 501 tenants with drift or an unchecked part, worst first;"
                + " search below for any other tenant.");
        assertThat(count(html, "<tr data-tenant=")).isEqualTo(25 + HtmlReport.TREND_TENANTS);
        // the heat map: each namespace row counts all 10,000 tenants
        for (String ns : SyntheticRun.NAMESPACES) {
            Matcher row = Pattern.compile("<tr data-namespace=\"" + ns + "\">(.*?)</tr>").matcher(html);
            assertThat(row.find()).isTrue();
            Matcher cell = Pattern.compile("data-bucket=\"\\d+\"[^>]*>(\\d+)</td>").matcher(row.group(1));
            int sum = 0;
            while (cell.find()) {
                sum += Integer.parseInt(cell.group(1));
            }
            assertThat(sum).as(ns).isEqualTo(TENANTS);
        }
        // the carts row: 9,999 at 100 and the last tenant incomplete
        assertThat(html).contains("<tr data-namespace=\"carts\"><th class=\"key\">carts</th><td class=\"c\" data-bucket=\"0\"");
        assertThat(text(html, "skipped-count")).isEqualTo("1 skipped part, 1 tenant INCOMPLETE.");
        // every tenant is in the search index, and the index parses as JSON
        JsonNode index = Json.MAPPER.readTree(between(html, "<script type=\"application/json\" id=\"tenant-index\">", "</script>"));
        assertThat(index.size()).isEqualTo(TENANTS);
        assertThat(index.get(7).get(0).asText()).isEqualTo(SyntheticRun.HOSTILE_TENANT);
        assertThat(text(html, "index-count")).startsWith("All 10000 tenants are in a compact index");
        // the trend: the three baselines, oldest first
        assertThat(count(html, "<circle ")).isEqualTo(3);
        assertThat(html).contains("<td class=\"key\">syn-0</td>").contains("<td class=\"key\">syn-2</td>");

        // untrusted text is text: two script elements only (the index and the page's own), the hostile id escaped
        assertThat(count(html, "<script")).isEqualTo(2);
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img src=x")
                .contains("&lt;script&gt;alert(&#39;tenant&#39;)&lt;/script&gt;")
                .contains("syn:t:t00007:order:&lt;img src=x onerror=alert(1)&gt;")
                .contains("\\u003cscript\\u003ealert('tenant')\\u003c/script\\u003e");
        assertThat(store.get(RunIds.auditLogKey("syn-2"))).isPresent();
    }

    @Test
    void adversarialIds_stillKeepTheReportUnderItsBound() throws Exception {
        // ids made of characters that escape to six each: the index stops at its character budget and says so
        DirectoryObjectStore store = new DirectoryObjectStore(dir);
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(store).notifier((s, m) -> { })
                .contract(() -> TestContracts.contract("syn")).redactor(KeyRedactor.disabled()).build();
        List<ShardSummary> shards = SyntheticRun.store(new LongIds(store), "adv-0", TENANTS, 0, KeyRedactor.disabled());

        new Aggregate(env).aggregate(new Aggregate.Request("adv-0", SyntheticRun.startedAt(0),
                Json.MAPPER.readTree("{\"mode\":\"scheduled\"}"), null, shards));

        byte[] bytes = store.get(RunReports.key("adv-0")).orElseThrow();
        String html = new String(bytes, StandardCharsets.UTF_8);
        System.out.printf("report of 10,000 tenants with 400-character ids of '<': %d bytes%n", bytes.length);
        assertThat(bytes.length).isLessThan(HtmlReport.MAX_REPORT_BYTES);
        assertThat(text(html, "index-count")).matches("The first \\d+ of 10000 tenants \\(the index is bounded\\) are in .*");
        assertThat(count(html, "<script")).isEqualTo(2);
    }

    /** Rewrites tenant ids in the stored shard results to 400 characters of '<' and '&' (plus the number). */
    private record LongIds(DirectoryObjectStore store) implements io.cachecheck.store.ObjectStore {
        @Override
        public void put(String key, byte[] content, String contentType) {
            String json = new String(content, StandardCharsets.UTF_8)
                    .replaceAll("\"t(\\d{5})\"", "\"" + "<&".repeat(200) + "$1\"")
                    .replace("\"tenant\":\"t0", "\"tenant\":\"" + "<&".repeat(200) + "0");
            store.put(key, json.getBytes(StandardCharsets.UTF_8), contentType);
        }

        @Override
        public java.util.Optional<byte[]> get(String key) {
            return store.get(key);
        }

        @Override
        public String location(String key) {
            return store.location(key);
        }
    }

    static int count(String html, String needle) {
        int n = 0;
        for (int i = html.indexOf(needle); i >= 0; i = html.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** The text of the element with this id, tags removed and entities of the report decoded. */
    static String text(String html, String id) {
        Matcher m = Pattern.compile("<(\\w+)[^>]*id=\"" + id + "\"[^>]*>(.*?)</\\1>").matcher(html);
        assertThat(m.find()).as("element #" + id).isTrue();
        return m.group(2).replaceAll("<[^>]+>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
    }

    static String between(String html, String start, String end) {
        int a = html.indexOf(start);
        assertThat(a).isGreaterThanOrEqualTo(0);
        int b = html.indexOf(end, a + start.length());
        return html.substring(a + start.length(), b);
    }
}
