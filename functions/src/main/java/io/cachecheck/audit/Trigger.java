package io.cachecheck.audit;

import java.util.List;

/**
 * What started the run and with which options (the normalized execution input).
 *
 * @param tenantScope the requested tenants, or null for all active tenants
 */
public record Trigger(String mode, List<String> tenantScope, double maxDriftRatio, boolean failOnIncomplete,
                      boolean failOnRegression, double scoreTolerance, boolean allowRemediation, int maxConcurrency,
                      boolean remediate, String baseline) {
}
