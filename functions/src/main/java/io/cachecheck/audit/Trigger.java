package io.cachecheck.audit;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What started the run and with which options (the normalized execution input).
 *
 * @param tenantScope            the requested tenants, or null for all active tenants
 * @param sample                 the share of keys checked; null when every key was
 * @param cacheReadsPerSecond    the run's cap on cache reads (keys) per second; null = none
 * @param sourceQueriesPerSecond the run's cap on source statements per second; null = none
 */
public record Trigger(String mode, List<String> tenantScope, double maxDriftRatio, boolean failOnIncomplete,
                      boolean failOnRegression, double scoreTolerance, boolean allowRemediation, int maxConcurrency,
                      boolean remediate, String baseline, @JsonInclude(JsonInclude.Include.NON_NULL) Double sample,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Double cacheReadsPerSecond,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Double sourceQueriesPerSecond) {

    public Trigger(String mode, List<String> tenantScope, double maxDriftRatio, boolean failOnIncomplete,
                   boolean failOnRegression, double scoreTolerance, boolean allowRemediation, int maxConcurrency,
                   boolean remediate, String baseline) {
        this(mode, tenantScope, maxDriftRatio, failOnIncomplete, failOnRegression, scoreTolerance, allowRemediation,
                maxConcurrency, remediate, baseline, null, null, null);
    }

    public boolean sampled() {
        return sample != null && sample < 1;
    }
}
