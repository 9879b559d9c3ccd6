package io.cachecheck.workflow;

/** Why a run was started. */
public enum Mode {
    /** By the schedule (EventBridge Scheduler). */
    SCHEDULED,
    /** As a pre-rollout consistency gate (CodePipeline). */
    GATE,
    /** By a person (console, CLI). */
    MANUAL;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
