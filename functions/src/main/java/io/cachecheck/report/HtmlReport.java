package io.cachecheck.report;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.NamespaceReport;
import io.cachecheck.audit.RemediationRecord;
import io.cachecheck.audit.RunSummary;
import io.cachecheck.audit.ShardReport;
import io.cachecheck.audit.TenantReport;
import io.cachecheck.audit.Trigger;
import io.cachecheck.baseline.DriftedKey;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.Skipped;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.remediate.ActionResult;
import io.cachecheck.remediate.Excluded;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders one run as a single self-contained HTML page: inline CSS and SVG, no fetch of anything (a Content
 * Security Policy forbids it), readable without JavaScript; the one inline script only filters the drift list and
 * searches the embedded tenant index. Built from the audit log alone (plus the score trend), so it holds what the
 * audit log holds: keys (redacted when the run redacted them), digests elsewhere omitted, counts, never a value.
 *
 * <p>Its size is bounded whatever the run's size (docs/report.md): tables show the worst {@link #WORST_TENANTS}
 * tenants, the first {@link #MAX_DRIFT_ROWS} drifted keys and {@link #MAX_SKIPPED_ROWS} skipped parts, with counts
 * of the rest; the heat map has one row per namespace (at most {@link #MAX_NAMESPACES}); every tenant is only in
 * the compact search index (at most {@link #MAX_INDEXED_TENANTS}, ids cut at {@link #MAX_INDEXED_ID} characters),
 * and any untrusted text is cut at {@link Html#MAX_TEXT} characters.
 */
public final class HtmlReport {
    public static final int WORST_TENANTS = 25;
    public static final int MAX_DRIFT_ROWS = 200;
    public static final int MAX_SKIPPED_ROWS = 100;
    public static final int MAX_NAMESPACES = 40;
    public static final int MAX_NAMESPACE_COLUMNS = 12;
    public static final int MAX_INDEXED_TENANTS = 20_000;
    public static final int MAX_INDEXED_ID = 100;
    /** The index stops before it passes this many characters (ids full of escaped characters are 6 times longer). */
    public static final int MAX_INDEX_CHARS = 2_000_000;
    public static final int MAX_GATE_REASONS = 20;
    public static final int TREND_TENANTS = 10;
    /** The bound docs/report.md states; tests check it with 10,000 tenants and adversarial ids. */
    public static final int MAX_REPORT_BYTES = 4 * 1024 * 1024;

    /** Score buckets of the heat map, best first: lower bounds of the 0..100 score. */
    static final double[] BUCKET_FLOORS = {100, 99.9, 99, 95, 90, 0};
    static final String[] BUCKET_NAMES = {"100", "99.9\u2013<100", "99\u2013<99.9", "95\u2013<99", "90\u2013<95", "<90"};
    private static final String[] BUCKET_COLOURS = {"#1a7f37", "#56a85c", "#a5c85a", "#e3b341", "#e0823d", "#cf222e"};

    private static final String SCRIPT = """
            (function () {
              var idx = JSON.parse(document.getElementById('tenant-index').textContent);
              var q = document.getElementById('tenant-search');
              var body = document.getElementById('tenant-results');
              var count = document.getElementById('tenant-result-count');
              var names = {C: 'CONSISTENT', D: 'DRIFT', I: 'INCOMPLETE', S: 'SAMPLED'};
              function cell(tr, text) { var td = document.createElement('td'); td.textContent = text; tr.appendChild(td); }
              function search() {
                var term = q.value.trim().toLowerCase();
                while (body.firstChild) { body.removeChild(body.firstChild); }
                if (!term) { count.textContent = ''; return; }
                var shown = 0, found = 0;
                for (var i = 0; i < idx.length; i++) {
                  var t = idx[i];
                  if (t[0].toLowerCase().indexOf(term) < 0) { continue; }
                  found++;
                  if (shown >= 100) { continue; }
                  var tr = document.createElement('tr');
                  cell(tr, t[0]); cell(tr, String(t[1])); cell(tr, String(t[2])); cell(tr, String(t[3])); cell(tr, names[t[4]] || t[4]);
                  body.appendChild(tr); shown++;
                }
                count.textContent = found + ' tenant(s) match' + (found > shown ? ', the first ' + shown + ' shown' : '');
              }
              q.addEventListener('input', search);
              var linked = /^#q=(.*)$/.exec(location.hash);
              if (linked) { q.value = decodeURIComponent(linked[1]); search(); }
              document.getElementById('tenant-search-box').hidden = false;
              var f = document.getElementById('drift-filter');
              var rows = document.querySelectorAll('#drift-table tbody tr');
              f.addEventListener('input', function () {
                var term = f.value.trim().toLowerCase();
                for (var i = 0; i < rows.length; i++) {
                  rows[i].hidden = term !== '' && rows[i].textContent.toLowerCase().indexOf(term) < 0;
                }
              });
              document.getElementById('drift-filter-box').hidden = false;
            })();
            """;
    /** The CSP allows exactly this script (by hash), so even a text that escaped escaping could not run. */
    private static final String SCRIPT_HASH = sha256Base64(SCRIPT);

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1f2328;background:#fff}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
            .muted{color:#59636e}.banner{display:inline-block;padding:4px 10px;border-radius:6px;color:#fff;font-weight:600}
            .v-CONSISTENT{background:#1a7f37}.v-DRIFT{background:#cf222e}.v-INCOMPLETE{background:#9a6700}.v-SAMPLED{background:#0969da}.v-other{background:#59636e}
            table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;vertical-align:top}
            th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .key{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
            .hm td.c{min-width:56px;text-align:center;font-variant-numeric:tabular-nums}
            dl.figs{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dl.figs dt{color:#59636e}dl.figs dd{margin:0}
            .note{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;border-radius:6px}
            .legend span{display:inline-block;padding:1px 8px;margin-right:4px;color:#fff;border-radius:3px}
            svg text{font:11px system-ui,sans-serif;fill:#59636e}
            input[type=search]{font-size:14px;padding:4px 8px;width:320px}
            """;

    private HtmlReport() {
    }

    /** The page for one run, as UTF-8 bytes. */
    public static byte[] render(AuditLog log, ScoreTrend trend, String auditLogLocation) {
        return new Renderer(log, trend, auditLogLocation).page().getBytes(StandardCharsets.UTF_8);
    }

    /** The tenants the report draws per-tenant trends for: the worst first, as in the worst-tenants table. */
    public static List<String> trendTenants(AuditLog log) {
        return worstTenants(log).stream().limit(TREND_TENANTS).map(TenantReport::tenant).toList();
    }

    static List<TenantReport> worstTenants(AuditLog log) {
        List<TenantReport> tenants = log.tenants() == null ? List.of() : log.tenants();
        return tenants.stream()
                .filter(t -> t.drifted() > 0 || t.verdict() == Verdict.INCOMPLETE)
                .sorted(Comparator.comparingDouble(TenantReport::score)
                        .thenComparing(Comparator.comparingLong(TenantReport::drifted).reversed())
                        .thenComparing(TenantReport::tenant))
                .limit(WORST_TENANTS).toList();
    }

    private static final class Renderer {
        private final AuditLog log;
        private final ScoreTrend trend;
        private final String auditLogLocation;
        private final StringBuilder out = new StringBuilder(64 * 1024);

        Renderer(AuditLog log, ScoreTrend trend, String auditLogLocation) {
            this.log = log;
            this.trend = trend == null ? ScoreTrend.none("no trend was read") : trend;
            this.auditLogLocation = auditLogLocation;
        }

        String page() {
            RunSummary s = log.summary();
            String verdict = s.verdict().name();
            out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                    .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-")
                    .append(SCRIPT_HASH).append("'; img-src data:; form-action 'none'; base-uri 'none'\">")
                    .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                    .append("<meta name=\"robots\" content=\"noindex\">")
                    .append("<title>cachecheck run ").append(Html.shortText(log.runId())).append(": ").append(Html.text(verdict))
                    .append("</title><style>").append(CSS).append("</style></head><body>\n");
            header();
            verdictSection();
            heatMap();
            driftList();
            skipped();
            trendSection();
            StringBuilder index = new StringBuilder();
            int indexed = tenantIndex(index);
            search(indexed);
            footer();
            out.append("<script type=\"application/json\" id=\"tenant-index\">").append(index);
            out.append("</script>\n<script>").append(SCRIPT).append("</script>\n</body></html>\n");
            return out.toString();
        }

        private void header() {
            RunSummary s = log.summary();
            out.append("<header><h1>cachecheck run <span id=\"run-id\" class=\"key\">").append(Html.shortText(log.runId()))
                    .append("</span></h1><p><span id=\"verdict\" class=\"banner ").append(verdictClass(s.verdict()))
                    .append("\">").append(Html.text(s.verdict().name())).append("</span> ")
                    .append(Html.text(verdictMeaning(s.verdict()))).append("</p><p class=\"muted\">")
                    .append(Html.text(log.trigger() == null ? "?" : log.trigger().mode())).append(" run, started ")
                    .append(time(log.startedAt())).append(", finished ").append(time(log.finishedAt()));
            if (!"plain".equals(log.keyScheme())) {
                out.append(". Keys are redacted (").append(Html.text(log.keyScheme()))
                        .append("): this report, like the audit log, shows only their keyed hashes");
            }
            out.append(".</p></header>\n");
        }

        private static String verdictClass(Verdict v) {
            return switch (v.name()) {
                case "CONSISTENT", "DRIFT", "INCOMPLETE", "SAMPLED" -> "v-" + v.name();
                default -> "v-other";
            };
        }

        /** One sentence per verdict; a verdict this build does not know (e.g. a future SAMPLED) gets a neutral one. */
        private static String verdictMeaning(Verdict v) {
            return switch (v.name()) {
                case "CONSISTENT" -> "Every key in scope was checked and the cache agrees with the database.";
                case "DRIFT" -> "Some keys disagree with the database (see the drift list).";
                case "SAMPLED" -> "A sample of the keys was checked and none of it drifted; the rest was not checked,"
                        + " so this is an estimate with an interval (below), never a statement that the cache is consistent.";
                case "INCOMPLETE" -> "Part of the scope was not checked (see what was skipped); the figures cover"
                        + " only the keys checked, so this is not a statement that the rest is consistent.";
                default -> "See the audit log for what this verdict means.";
            };
        }

        private void verdictSection() {
            RunSummary s = log.summary();
            Map<DriftClass, Long> c = s.counts() == null ? Map.of() : s.counts();
            out.append("<section id=\"summary\"><h2>Verdict and gate</h2><dl class=\"figs\">");
            fig("tenants-validated", "Tenants validated", s.tenantsValidated() + " of " + s.tenantsInScope()
                    + " (" + s.tenantsWithDrift() + " with drift)");
            fig("keys-checked", "Keys checked", Long.toString(s.keysChecked()));
            fig("drifted-keys", "Drifted keys", s.driftedKeys() + " (stale " + c.getOrDefault(DriftClass.STALE, 0L)
                    + ", orphan " + c.getOrDefault(DriftClass.ORPHAN, 0L) + ", corrupt " + c.getOrDefault(DriftClass.CORRUPT, 0L)
                    + ", unmapped " + c.getOrDefault(DriftClass.UNMAPPED, 0L) + ")");
            fig("in-flight-keys", "In flight (not drift)", Long.toString(c.getOrDefault(DriftClass.IN_FLIGHT, 0L)));
            fig("score", "Consistency score", number(s.consistencyScore()) + " / 100"
                    + (s.keysChecked() == 0 ? " (no key was checked)"
                    : s.verdict() == Verdict.INCOMPLETE ? " (of the keys checked only)"
                    : log.sampling() != null ? " (of the sampled keys only)" : ""));
            if (log.sampling() != null) {
                var r = log.sampling();
                var e = r.overall();
                fig("sampling", "Sampled", String.format(Locale.ROOT, "%s%% of the keys (%d checked, %d not sampled);"
                                + " estimated drift ratio %.6f, 95%% interval [%.6f, %.6f] (Wilson); the gate compares the"
                                + " upper bound", number(100 * r.fraction()), e.keysChecked(), r.keysNotSampled(), e.ratio(),
                        e.low(), e.high()));
            }
            fig("baseline", "Baseline", baselineText());
            fig("remediation", "Remediation", remediationText());
            out.append("</dl>");
            gate();
            out.append("</section>\n");
        }

        private String baselineText() {
            var cmp = log.comparison();
            if (cmp == null) {
                return "not compared";
            }
            if (cmp.comparedTo() == null) {
                return "none to compare with (" + (cmp.note() != null ? cmp.note()
                        : "none".equals(cmp.selection()) ? "baseline none" : "first run") + ")";
            }
            RunSummary s = log.summary();
            return "compared with run " + cmp.comparedTo() + ": regressions " + s.regressions() + ", persistent "
                    + s.persistent() + ", resolved " + s.resolved()
                    + (cmp.unverified().isEmpty() ? "" : ", unverified " + cmp.unverified().size());
        }

        private String remediationText() {
            RemediationRecord r = log.remediation();
            if (r == null) {
                return "not required";
            }
            String text = "required for " + r.plan().actions().size() + " keys";
            if (!r.report().executed()) {
                return text + ", not executed: " + String.join("; ", r.report().notExecutedReasons());
            }
            if (r.report().dryRun()) {
                return text + " (dry run: planned, the cache was not touched)";
            }
            var counts = r.report().counts();
            return text + ", executed: " + counts.entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue()).toList();
        }

        /**
         * The gate as a person expects it: a {@code gate} run passed or failed; any other run is not a pre-rollout
         * gate, yet its thresholds still decide whether the execution succeeds (docs/workflow.md), so say which.
         */
        private void gate() {
            Trigger t = log.trigger();
            boolean passed = log.gate() == null || log.gate().passed();
            boolean gateMode = t != null && "gate".equals(t.mode());
            out.append("<p id=\"gate\">");
            if (gateMode) {
                out.append("<strong>Gate: ").append(passed ? "passed" : "FAILED").append("</strong>");
            } else {
                out.append("<strong>No pre-rollout gate</strong> (a ").append(Html.text(t == null ? "?" : t.mode()))
                        .append(" run). Its thresholds still decide the execution's status: ")
                        .append(passed ? "not crossed, the execution succeeds"
                                : "crossed, so the execution ends as ConsistencyGateFailed");
            }
            out.append(".</p>");
            if (log.gate() != null && !log.gate().reasons().isEmpty()) {
                out.append("<ul id=\"gate-reasons\">");
                for (String reason : log.gate().reasons().stream().limit(MAX_GATE_REASONS).toList()) {
                    out.append("<li>").append(Html.text(Html.cut(reason, 1000))).append("</li>");
                }
                out.append("</ul>");
            }
            if (t != null) {
                out.append("<p class=\"muted\" id=\"thresholds\">Thresholds: drifted keys at most ")
                        .append(number(100 * t.maxDriftRatio())).append("% of the keys checked; an incomplete run ")
                        .append(t.failOnIncomplete() ? "fails" : "passes").append("; regressions against the baseline ")
                        .append(t.failOnRegression() ? "fail" : "do not fail").append(" (a score may drop by ")
                        .append(number(100 * t.scoreTolerance())).append(" points before it is a regression).</p>");
            }
        }

        private void fig(String id, String name, String value) {
            out.append("<dt>").append(Html.text(name)).append("</dt><dd id=\"").append(id).append("\">")
                    .append(Html.text(Html.cut(value, 1000))).append("</dd>");
        }

        // ---- heat map ---------------------------------------------------------------------------------------

        private void heatMap() {
            List<TenantReport> tenants = log.tenants() == null ? List.of() : log.tenants();
            List<String> namespaces = namespaces();
            int shownNamespaces = Math.min(namespaces.size(), MAX_NAMESPACES);
            out.append("<section id=\"heatmap\"><h2>Tenants by namespace and score</h2>")
                    .append("<p class=\"muted\">Each cell counts the tenants whose score in that namespace falls in the"
                            + " column's range (100 × (1 − drifted / checked)).</p><p class=\"legend\">");
            for (int b = 0; b < BUCKET_NAMES.length; b++) {
                out.append("<span style=\"background:").append(BUCKET_COLOURS[b]).append("\">").append(Html.text(BUCKET_NAMES[b]))
                        .append("</span>");
            }
            out.append("</p><table class=\"hm\" id=\"heatmap-table\"><thead><tr><th>namespace</th>");
            for (String name : BUCKET_NAMES) {
                out.append("<th>").append(Html.text(name)).append("</th>");
            }
            out.append("<th>incomplete</th><th>no keys</th></tr></thead><tbody>");
            Map<String, int[]> counts = new LinkedHashMap<>();
            for (String ns : namespaces.subList(0, shownNamespaces)) {
                counts.put(ns, new int[BUCKET_NAMES.length + 2]);
            }
            for (TenantReport t : tenants) {
                for (TenantNamespaceResult r : t.namespaces() == null ? List.<TenantNamespaceResult>of() : t.namespaces()) {
                    int[] row = counts.get(r.namespace());
                    if (row == null) {
                        continue;
                    }
                    if (!r.complete()) {
                        row[BUCKET_NAMES.length]++;
                    } else if (r.keysChecked() == 0) {
                        row[BUCKET_NAMES.length + 1]++;
                    } else {
                        row[bucket(100 * r.score())]++;
                    }
                }
            }
            for (Map.Entry<String, int[]> e : counts.entrySet()) {
                int[] row = e.getValue();
                int present = 0;
                for (int v : row) {
                    present += v;
                }
                // a tenant with no result for the namespace had no key of it
                row[BUCKET_NAMES.length + 1] += Math.max(0, tenants.size() - present);
                out.append("<tr data-namespace=\"").append(Html.shortText(e.getKey())).append("\"><th class=\"key\">")
                        .append(Html.shortText(e.getKey())).append("</th>");
                int max = tenants.isEmpty() ? 1 : tenants.size();
                for (int b = 0; b < row.length; b++) {
                    String colour = b < BUCKET_COLOURS.length ? BUCKET_COLOURS[b] : b == BUCKET_NAMES.length ? "#9a6700" : "#8c959f";
                    double alpha = row[b] == 0 ? 0 : 0.25 + 0.75 * Math.sqrt((double) row[b] / max);
                    out.append("<td class=\"c\" data-bucket=\"").append(b).append("\" style=\"background:")
                            .append(rgba(colour, alpha)).append(alpha > 0.6 ? ";color:#fff" : "").append("\">")
                            .append(row[b]).append("</td>");
                }
                out.append("</tr>");
            }
            out.append("</tbody></table>");
            if (namespaces.size() > shownNamespaces) {
                out.append("<p class=\"note\">").append(namespaces.size() - shownNamespaces)
                        .append(" more namespaces are not shown; the audit log has them all.</p>");
            }
            worstTenantGrid(namespaces);
            out.append("</section>\n");
        }

        /** The worst tenants (most drift first) with their score per namespace, one coloured cell each. */
        private void worstTenantGrid(List<String> namespaces) {
            List<TenantReport> worst = worstTenants(log);
            long withProblems = (log.tenants() == null ? List.<TenantReport>of() : log.tenants()).stream()
                    .filter(t -> t.drifted() > 0 || t.verdict() == Verdict.INCOMPLETE).count();
            out.append("<h3>Worst tenants</h3>");
            if (worst.isEmpty()) {
                out.append("<p id=\"worst-none\">No tenant has drift or an unchecked part.</p>");
                return;
            }
            List<String> columns = namespaces.subList(0, Math.min(namespaces.size(), MAX_NAMESPACE_COLUMNS));
            out.append("<p class=\"muted\" id=\"worst-count\">").append(worst.size()).append(" of ").append(withProblems)
                    .append(" tenants with drift or an unchecked part, worst first")
                    .append(withProblems > worst.size() ? "; search below for any other tenant" : "").append(".</p>")
                    .append("<table class=\"hm\" id=\"worst-table\"><thead><tr><th>tenant</th><th>verdict</th><th>score</th>")
                    .append("<th>drifted</th><th>checked</th>");
            for (String ns : columns) {
                out.append("<th class=\"key\">").append(Html.shortText(ns)).append("</th>");
            }
            out.append("</tr></thead><tbody>");
            for (TenantReport t : worst) {
                Map<String, TenantNamespaceResult> byNs = new HashMap<>();
                for (TenantNamespaceResult r : t.namespaces() == null ? List.<TenantNamespaceResult>of() : t.namespaces()) {
                    byNs.put(r.namespace(), r);
                }
                out.append("<tr data-tenant=\"").append(Html.shortText(t.tenant())).append("\"><td class=\"key\">")
                        .append(Html.shortText(t.tenant())).append("</td><td>").append(Html.text(t.verdict().name()))
                        .append(t.note() == null ? "" : " <span class=\"muted\">(" + Html.shortText(t.note()) + ")</span>")
                        .append("</td><td class=\"n\">").append(number(t.score())).append("</td><td class=\"n\">")
                        .append(t.drifted()).append("</td><td class=\"n\">").append(t.keysChecked()).append("</td>");
                for (String ns : columns) {
                    TenantNamespaceResult r = byNs.get(ns);
                    if (r == null) {
                        out.append("<td class=\"c muted\">\u2013</td>");
                    } else {
                        double score = 100 * r.score();
                        String colour = !r.complete() ? "#9a6700" : BUCKET_COLOURS[bucket(score)];
                        out.append("<td class=\"c\" style=\"background:").append(rgba(colour, 0.85)).append(";color:#fff\" title=\"")
                                .append(r.drifted()).append(" of ").append(r.keysChecked()).append(" drifted")
                                .append(r.complete() ? "" : ", incomplete").append("\">")
                                .append(r.keysChecked() == 0 ? "\u2013" : number(score)).append(r.complete() ? "" : "*")
                                .append("</td>");
                    }
                }
                out.append("</tr>");
            }
            out.append("</tbody></table>");
            if (namespaces.size() > columns.size()) {
                out.append("<p class=\"muted\">The first ").append(columns.size()).append(" of ").append(namespaces.size())
                        .append(" namespaces are shown as columns.</p>");
            }
            out.append("<p class=\"muted\">* part of the tenant's namespace was not checked.</p>");
        }

        private List<String> namespaces() {
            List<String> out = new ArrayList<>();
            for (NamespaceReport ns : log.namespaces() == null ? List.<NamespaceReport>of() : log.namespaces()) {
                out.add(ns.namespace());
            }
            return out;
        }

        // ---- drift list -------------------------------------------------------------------------------------

        private void driftList() {
            List<Finding> findings = log.findings() == null ? List.of() : log.findings();
            List<Finding> drift = new ArrayList<>(findings.stream().filter(f -> f.driftClass().isDrift()).toList());
            long inFlight = findings.size() - drift.size();
            drift.sort(Comparator.comparing(Finding::driftClass).thenComparing(f -> String.valueOf(f.tenant()))
                    .thenComparing(f -> String.valueOf(f.namespace())).thenComparing(Finding::key));
            Map<DriftedKey.Id, DriftedKey> persistent = new HashMap<>();
            if (log.comparison() != null) {
                log.comparison().persistent().forEach(k -> persistent.put(k.id(), k));
            }
            Map<DriftedKey.Id, String> remediation = remediationStatus();
            Map<DriftClass, Long> total = new EnumMap<>(DriftClass.class);
            drift.forEach(f -> total.merge(f.driftClass(), 1L, Long::sum));
            out.append("<section id=\"drift\"><h2>Drift</h2>");
            if (drift.isEmpty()) {
                out.append("<p id=\"drift-none\">No drifted key").append(log.summary().driftedKeys() > 0
                        ? " was kept in the audit log (" + log.summary().driftedKeys() + " counted)" : "").append(".</p>");
            } else {
                out.append("<p id=\"drift-count\">").append(Math.min(drift.size(), MAX_DRIFT_ROWS)).append(" of ")
                        .append(drift.size()).append(" drifted keys shown (by class, tenant, namespace, key)");
                if (drift.size() > MAX_DRIFT_ROWS) {
                    Map<DriftClass, Long> rest = new EnumMap<>(DriftClass.class);
                    drift.subList(MAX_DRIFT_ROWS, drift.size()).forEach(f -> rest.merge(f.driftClass(), 1L, Long::sum));
                    out.append("; not shown: <span id=\"drift-rest\">").append(Html.text(classCounts(rest)))
                            .append("</span> (all are in the audit log)");
                }
                out.append(".</p>");
                if (log.findingsTruncated()) {
                    out.append("<p class=\"note\">The run kept only the first findings (check.maxFindings): ")
                            .append(log.summary().driftedKeys()).append(" keys drifted in all.</p>");
                }
                out.append("<p id=\"drift-filter-box\" hidden><input type=\"search\" id=\"drift-filter\" ")
                        .append("placeholder=\"Filter the rows shown (tenant, key, class, status)\" aria-label=\"Filter drift\"></p>")
                        .append("<table id=\"drift-table\"><thead><tr><th>class</th><th>tenant</th><th>namespace</th>")
                        .append("<th>key</th><th>reason</th><th>first seen</th><th>remediation</th></tr></thead><tbody>");
                for (Finding f : drift.subList(0, Math.min(drift.size(), MAX_DRIFT_ROWS))) {
                    // remediation records carry no cell: a tenant's keys live in exactly one cell
                    DriftedKey.Id id = new DriftedKey.Id(f.tenant(), f.namespace(), f.key(), null);
                    DriftedKey seen = persistent.get(new DriftedKey.Id(f.tenant(), f.namespace(), f.key(), f.cell()));
                    String firstSeen = seen != null ? time(seen.firstSeen()) + " (run " + Html.shortText(seen.firstSeenRunId()) + ")"
                            : "this run, " + time(f.observedAt());
                    String reason = f.reason() == null ? "" : f.reason()
                            + (f.fields() == null || f.fields().isEmpty() ? "" : ": " + String.join(", ", f.fields()));
                    out.append("<tr data-class=\"").append(f.driftClass().name()).append("\"><td>").append(f.driftClass().name())
                            .append("</td><td class=\"key\">").append(Html.shortText(f.tenant())).append("</td><td class=\"key\">")
                            .append(Html.shortText(f.namespace())).append("</td><td class=\"key\">").append(Html.shortText(f.key()))
                            .append("</td><td>").append(Html.shortText(reason)).append("</td><td>").append(firstSeen)
                            .append("</td><td>").append(Html.shortText(remediation.getOrDefault(id, "no plan"))).append("</td></tr>");
                }
                out.append("</tbody></table>");
            }
            if (inFlight > 0) {
                out.append("<p class=\"muted\">").append(inFlight)
                        .append(" keys were being written during the check (IN_FLIGHT): not drift, not listed.</p>");
            }
            if (log.comparison() != null && !log.comparison().resolved().isEmpty()) {
                out.append("<p id=\"resolved\">Resolved since the baseline: ").append(log.comparison().resolved().size())
                        .append(" keys.</p>");
            }
            out.append("</section>\n");
        }

        /** Per drifted key: what remediation planned or did. */
        private Map<DriftedKey.Id, String> remediationStatus() {
            Map<DriftedKey.Id, String> out = new HashMap<>();
            RemediationRecord r = log.remediation();
            if (r == null) {
                return out;
            }
            for (Excluded e : r.plan().excluded()) {
                out.put(new DriftedKey.Id(e.tenant(), e.namespace(), e.key(), null), "no action: " + e.reason());
            }
            if (!r.report().executed()) {
                // the reason (a cap) is the same for every action and is shown once, under Remediation above
                String blocked = "not executed (see Remediation above)";
                r.plan().actions().forEach(a -> out.put(new DriftedKey.Id(a.tenant(), a.namespace(), a.key(), null),
                        a.action().name().toLowerCase(Locale.ROOT) + " planned, " + blocked));
                return out;
            }
            for (ActionResult a : r.report().results()) {
                String status = switch (a.outcome()) {
                    case DRY_RUN -> a.action().name().toLowerCase(Locale.ROOT) + " planned (dry run)";
                    case APPLIED -> a.action().name().toLowerCase(Locale.ROOT) + " applied";
                    case SKIPPED_CHANGED -> "skipped: the value changed since the check";
                    case SKIPPED_GONE -> "skipped: the key is gone";
                    case FAILED -> "failed" + (a.reason() == null ? "" : ": " + a.reason());
                };
                out.put(new DriftedKey.Id(a.tenant(), a.namespace(), a.key(), null), status);
            }
            return out;
        }

        private static String classCounts(Map<DriftClass, Long> counts) {
            List<String> parts = new ArrayList<>();
            counts.forEach((c, n) -> parts.add(c.name() + " " + n));
            return String.join(", ", parts);
        }

        // ---- skipped ----------------------------------------------------------------------------------------

        private void skipped() {
            boolean plain = "plain".equals(log.keyScheme());
            List<String> rows = new ArrayList<>();
            List<ShardReport> shards = log.shards() == null ? List.of() : log.shards();
            for (ShardReport shard : shards) {
                if (shard.error() != null) {
                    String cause = plain && shard.cause() != null ? ": " + shard.cause().replaceAll("\\s+", " ").trim()
                            : plain ? "" : " (the cause is withheld because keys are redacted; see the ValidateShard log)";
                    rows.add("<tr><td class=\"key\">" + Html.shortText(shard.shardId()) + "</td><td>whole shard ("
                            + (shard.tenants() == null ? 0 : shard.tenants().size()) + " tenants)</td><td></td><td></td><td>failed: "
                            + Html.shortText(shard.error() + cause) + "</td></tr>");
                }
                for (Skipped part : shard.skipped() == null ? List.<Skipped>of() : shard.skipped()) {
                    rows.add("<tr><td class=\"key\">" + Html.shortText(shard.shardId()) + "</td><td class=\"key\">"
                            + (part.tenant() == null ? "all tenants" : Html.shortText(part.tenant())) + "</td><td class=\"key\">"
                            + (part.namespace() == null ? "all" : Html.shortText(part.namespace())) + "</td><td class=\"key\">"
                            + Html.shortText(part.node()) + "</td><td>" + Html.shortText(part.reason())
                            + (part.keys() > 0 ? " (" + part.keys() + " keys known)" : "") + "</td></tr>");
                }
            }
            long incompleteTenants = (log.tenants() == null ? List.<TenantReport>of() : log.tenants()).stream()
                    .filter(t -> t.verdict() == Verdict.INCOMPLETE).count();
            out.append("<section id=\"skipped\"><h2>Not checked</h2>");
            if (rows.isEmpty() && incompleteTenants == 0) {
                out.append("<p id=\"skipped-none\">Nothing was skipped: every key in scope was checked.</p></section>\n");
                return;
            }
            out.append("<p id=\"skipped-count\">").append(rows.size()).append(rows.size() == 1 ? " skipped part, " : " skipped parts, ")
                    .append(incompleteTenants).append(incompleteTenants == 1 ? " tenant INCOMPLETE." : " tenants INCOMPLETE.").append(rows.size() > MAX_SKIPPED_ROWS ? " The first " + MAX_SKIPPED_ROWS
                            + " are shown; the audit log's shards list them all." : "").append("</p>")
                    .append("<table id=\"skipped-table\"><thead><tr><th>shard</th><th>tenant</th><th>namespace</th><th>node</th>")
                    .append("<th>why</th></tr></thead><tbody>");
            rows.stream().limit(MAX_SKIPPED_ROWS).forEach(out::append);
            out.append("</tbody></table></section>\n");
        }

        // ---- trend ------------------------------------------------------------------------------------------

        private void trendSection() {
            List<ScoreTrend.Point> points = trend.points();
            out.append("<section id=\"trend\"><h2>Score trend</h2><p class=\"muted\">Across the ").append(points.size())
                    .append(" most recent stored baselines, oldest first. A baseline's score is over the tenants' keys"
                            + " (unmapped keys are not in baselines), so it can differ from the run's consistency score;"
                            + " a tenant-scoped run's baseline carries the other tenants' figures forward.</p>");
            for (String note : trend.notes()) {
                out.append("<p class=\"note\">").append(Html.text(note)).append("</p>");
            }
            if (points.isEmpty()) {
                out.append("</section>\n");
                return;
            }
            double min = points.stream().mapToDouble(ScoreTrend.Point::score).min().orElse(100);
            double floor = Math.max(0, Math.floor(Math.min(min, 99) - 1));
            int w = 640, h = 180, left = 44, right = 12, top = 10, bottom = 28;
            out.append("<svg id=\"trend-chart\" role=\"img\" aria-label=\"overall score per baseline\" width=\"").append(w)
                    .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\">");
            for (double y : new double[]{floor, (floor + 100) / 2, 100}) {
                double py = top + (h - top - bottom) * (100 - y) / (100 - floor);
                out.append("<line x1=\"").append(left).append("\" x2=\"").append(w - right).append("\" y1=\"").append(fmt(py))
                        .append("\" y2=\"").append(fmt(py)).append("\" stroke=\"#d0d7de\"/><text x=\"2\" y=\"")
                        .append(fmt(py + 4)).append("\">").append(number(y)).append("</text>");
            }
            StringBuilder path = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < points.size(); i++) {
                ScoreTrend.Point p = points.get(i);
                double px = points.size() == 1 ? (left + w - right) / 2.0 : left + (w - left - right) * i / (double) (points.size() - 1);
                double py = top + (h - top - bottom) * (100 - p.score()) / (100 - floor);
                path.append(i == 0 ? "M" : " L").append(fmt(px)).append(' ').append(fmt(py));
                dots.append("<circle cx=\"").append(fmt(px)).append("\" cy=\"").append(fmt(py)).append("\" r=\"3.5\" fill=\"")
                        .append(p.runId().equals(log.runId()) ? "#cf222e" : "#0969da").append("\"><title>")
                        .append(Html.shortText(p.runId())).append(": ").append(number(p.score())).append(" (")
                        .append(p.keysChecked()).append(" keys)</title></circle>");
            }
            out.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\"/>").append(dots)
                    .append("<text x=\"").append(left).append("\" y=\"").append(h - 8).append("\">")
                    .append(time(points.get(0).createdAt())).append("</text><text x=\"").append(w - right)
                    .append("\" y=\"").append(h - 8).append("\" text-anchor=\"end\">")
                    .append(time(points.get(points.size() - 1).createdAt())).append("</text></svg>");
            // the same figures as a table, readable without SVG and by screen readers
            out.append("<details><summary>The figures</summary><table id=\"trend-table\"><thead><tr><th>baseline (run)</th>")
                    .append("<th>taken</th><th>score</th><th>keys</th></tr></thead><tbody>");
            for (ScoreTrend.Point p : points) {
                out.append("<tr><td class=\"key\">").append(Html.shortText(p.runId())).append("</td><td>").append(time(p.createdAt()))
                        .append("</td><td class=\"n\">").append(number(p.score())).append("</td><td class=\"n\">")
                        .append(p.keysChecked()).append("</td></tr>");
            }
            out.append("</tbody></table></details>");
            tenantTrends(points);
            out.append("</section>\n");
        }

        private void tenantTrends(List<ScoreTrend.Point> points) {
            List<String> tenants = trendTenants(log);
            if (tenants.isEmpty()) {
                return;
            }
            out.append("<h3>Worst tenants over the same baselines</h3><table id=\"tenant-trend\"><thead><tr><th>tenant</th>")
                    .append("<th>trend</th><th>first</th><th>now</th></tr></thead><tbody>");
            for (String tenant : tenants) {
                List<Double> scores = new ArrayList<>();
                for (ScoreTrend.Point p : points) {
                    scores.add(p.tenantScores().get(tenant));
                }
                out.append("<tr data-tenant=\"").append(Html.shortText(tenant)).append("\"><td class=\"key\">")
                        .append(Html.shortText(tenant)).append("</td><td>").append(sparkline(scores)).append("</td><td class=\"n\">")
                        .append(firstPresent(scores)).append("</td><td class=\"n\">")
                        .append(scores.get(scores.size() - 1) == null ? "\u2013" : number(scores.get(scores.size() - 1)))
                        .append("</td></tr>");
            }
            out.append("</tbody></table>");
        }

        private static String firstPresent(List<Double> scores) {
            return scores.stream().filter(java.util.Objects::nonNull).findFirst().map(HtmlReport::number).orElse("\u2013");
        }

        private static String sparkline(List<Double> scores) {
            int w = 160, h = 28;
            double min = scores.stream().filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).min().orElse(100);
            double floor = Math.max(0, Math.min(min, 99) - 1);
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < scores.size(); i++) {
                Double s = scores.get(i);
                if (s == null) {
                    pen = false;
                    continue;
                }
                double x = scores.size() == 1 ? w / 2.0 : 2 + (w - 4) * i / (double) (scores.size() - 1);
                double y = 2 + (h - 4) * (100 - s) / (100 - floor);
                path.append(pen ? " L" : " M").append(fmt(x)).append(' ').append(fmt(y));
                pen = true;
            }
            return "<svg width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h + "\" aria-hidden=\"true\">"
                    + "<path d=\"" + path.toString().trim() + "\" fill=\"none\" stroke=\"#cf222e\" stroke-width=\"1.5\"/></svg>";
        }

        // ---- search -----------------------------------------------------------------------------------------

        private void search(int indexed) {
            int tenants = log.tenants() == null ? 0 : log.tenants().size();
            out.append("<section id=\"search\"><h2>Find a tenant</h2><p class=\"muted\" id=\"index-count\">")
                    .append(indexed == tenants ? "All " + tenants + " tenants are"
                            : "The first " + indexed + " of " + tenants + " tenants (the index is bounded) are")
                    .append(" in a compact index embedded in this page (ids cut at ").append(MAX_INDEXED_ID)
                    .append(" characters).</p>")
                    .append("<noscript><p class=\"note\">Searching needs JavaScript; the worst tenants are listed above and"
                            + " the audit log has every tenant.</p></noscript>")
                    .append("<div id=\"tenant-search-box\" hidden><input type=\"search\" id=\"tenant-search\" ")
                    .append("placeholder=\"tenant id (part of it)\" aria-label=\"Search tenants\"> <span id=\"tenant-result-count\"></span>")
                    .append("<table><thead><tr><th>tenant</th><th>score</th><th>drifted</th><th>checked</th><th>verdict</th>")
                    .append("</tr></thead><tbody id=\"tenant-results\"></tbody></table></div></section>\n");
        }

        /**
         * [[tenant, score, drifted, checked, C|D|I], ...]: about 30 bytes a tenant plus its id; at most
         * {@link #MAX_INDEXED_TENANTS} tenants and {@link #MAX_INDEX_CHARS} characters.
         *
         * @return how many tenants it holds
         */
        private int tenantIndex(StringBuilder index) {
            index.append('[');
            int n = 0;
            for (TenantReport t : log.tenants() == null ? List.<TenantReport>of() : log.tenants()) {
                String entry = "[" + Html.json(Html.cut(t.tenant(), MAX_INDEXED_ID)) + "," + number(t.score()) + ","
                        + t.drifted() + "," + t.keysChecked() + ",\"" + t.verdict().name().charAt(0) + "\"]";
                if (n == MAX_INDEXED_TENANTS || index.length() + entry.length() + 2 > MAX_INDEX_CHARS) {
                    break;
                }
                if (n++ > 0) {
                    index.append(',');
                }
                index.append(entry);
            }
            index.append(']');
            return n;
        }

        private void footer() {
            out.append("<footer><h2>Source</h2><p class=\"muted\">Generated from the audit log <span class=\"key\" id=\"audit-log\">")
                    .append(Html.shortText(auditLogLocation)).append("</span>, which has every figure, finding and step of the run.")
                    .append(" The report holds keys, tenant ids and counts, never a cached or database value.</p></footer>\n");
        }
    }

    // ---- formatting ---------------------------------------------------------------------------------------------

    static int bucket(double score) {
        for (int b = 0; b < BUCKET_FLOORS.length; b++) {
            if (score >= BUCKET_FLOORS[b]) {
                return b;
            }
        }
        return BUCKET_FLOORS.length - 1;
    }

    static String number(double value) {
        String text = String.format(Locale.ROOT, "%.2f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String time(Instant t) {
        return t == null ? "?" : Html.text(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }

    private static String rgba(String hex, double alpha) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return String.format(Locale.ROOT, "rgba(%d,%d,%d,%.2f)", rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255, alpha);
    }

    private static String sha256Base64(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
