package io.cachecheck.local.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.workflow.Json;

import java.util.List;

/**
 * The {@code --json} document: one JSON object on stdout per run, for scripts ({@code cachecheck validate --json ... |
 * jq .verdict}). Its fields are documented in docs/workflow.md (JSON output); {@code summary} is the audit log's own
 * {@code summary} object (docs/audit-log.schema.json), so the two never disagree.
 */
final class JsonSummary {
    /** Changes only when a field changes meaning; fields may be added. */
    static final int VERSION = 1;

    private JsonSummary() {
    }

    /** A run that got as far as its audit log. */
    /** @param reportLocation where the run's HTML report was written, or null when it was not */
    static String of(AuditLog log, String auditLogLocation, String reportLocation, boolean gateAsked, int exitCode,
                     List<String> warnings) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("version", VERSION);
        doc.put("runId", log.runId());
        doc.put("mode", log.trigger().mode());
        doc.put("verdict", log.summary().verdict().name());
        doc.put("exitCode", exitCode);
        ObjectNode gate = doc.putObject("gate");
        gate.put("asked", gateAsked);
        gate.put("passed", log.gate().passed());
        ArrayNode reasons = gate.putArray("reasons");
        log.gate().reasons().forEach(reasons::add);
        doc.set("summary", Json.MAPPER.valueToTree(log.summary()));
        doc.put("auditLog", auditLogLocation);
        doc.put("report", reportLocation);
        ArrayNode w = doc.putArray("warnings");
        warnings.forEach(w::add);
        doc.putNull("error");
        return doc.toString();
    }

    /** A run that ended before its audit log (e.g. invalid input): no verdict, the error as stderr has it. */
    static String failed(String runId, String error) {
        ObjectNode doc = empty(CacheCheckCli.INCOMPLETE_OR_ERROR);
        doc.put("runId", runId);
        doc.put("error", error);
        return doc.toString();
    }

    /** A command that failed before any run (e.g. an unreadable contract). */
    static String error(String error) {
        ObjectNode doc = empty(CacheCheckCli.INCOMPLETE_OR_ERROR);
        doc.put("error", error);
        return doc.toString();
    }

    private static ObjectNode empty(int exitCode) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("version", VERSION);
        doc.putNull("runId");
        doc.putNull("mode");
        doc.putNull("verdict");
        doc.put("exitCode", exitCode);
        for (String field : List.of("gate", "summary", "auditLog", "report")) {
            doc.putNull(field);
        }
        doc.putArray("warnings");
        doc.putNull("error");
        return doc;
    }
}
