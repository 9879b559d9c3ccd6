package io.cachecheck.audit;

import io.cachecheck.sample.DriftEstimate;

import java.util.List;

/**
 * What a sampled run estimates: the drift ratio of the whole keyspace, per tenant, per namespace and per tenant and
 * namespace, each with its 95% Wilson score interval ({@link DriftEstimate}). Only in the audit log of a sampled run.
 *
 * @param fraction       the share of keys sampled
 * @param selection      how keys were chosen: {@value #SELECTION}
 * @param keysNotSampled scanned keys left out of the sample (no value read, no SQL)
 * @param overall        drifted / checked over every sampled key (UNMAPPED keys included, as in the summary)
 * @param gateBound      the figure the gate compares with {@code maxDriftRatio}: the overall upper bound
 */
public record SamplingReport(double fraction, String selection, long keysNotSampled, DriftEstimate overall,
                             double gateBound, List<Estimate> tenants, List<Estimate> namespaces,
                             List<Estimate> tenantNamespaces) {
    public static final String SELECTION = "sha256-prefix64";

    /** One estimate; {@code tenant} or {@code namespace} is null when the estimate is over all of them. */
    public record Estimate(String tenant, String namespace, DriftEstimate driftRatio) {
    }
}
