package io.cachecheck.audit;

import io.cachecheck.remediate.RemediationPlan;
import io.cachecheck.remediate.RemediationReport;

/**
 * Remediation in the audit log: the plan made for the run's drift and the outcome of every action (DRY_RUN unless
 * the run was asked to remediate). Keys as written in the audit log.
 *
 * @param requested whether the execution input asked to remediate ({@code remediate: true})
 */
public record RemediationRecord(boolean requested, RemediationPlan plan, RemediationReport report) {
}
