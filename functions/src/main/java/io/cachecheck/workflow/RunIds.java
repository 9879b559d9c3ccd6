package io.cachecheck.workflow;

import io.cachecheck.error.InvalidInputException;

import java.util.regex.Pattern;

/** Object keys of a run in the store. Ids are checked so a key can never leave {@code runs/<runId>/}. */
public final class RunIds {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private RunIds() {
    }

    public static String check(String field, String id) {
        if (id == null || !SAFE.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new InvalidInputException(field + ": '" + id + "' is not a valid id; use 1-128 letters, digits, _ . : -"
                    + " (the state machine passes $$.Execution.Name)");
        }
        return id;
    }

    public static String tenantsKey(String runId) {
        return "runs/" + runId + "/tenants.json";
    }

    public static String shardKey(String runId, String shardId) {
        return "runs/" + runId + "/shards/" + shardId + ".json";
    }

    public static String auditLogKey(String runId) {
        return "runs/" + runId + "/audit-log.json";
    }
}
