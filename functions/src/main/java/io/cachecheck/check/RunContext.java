package io.cachecheck.check;

import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Contract;

import java.time.Clock;

/**
 * What every part of one shard check shares: the contract and work item, the deadline and clock, the tally the
 * result is built from, and the worker threads (with the error that stops the run).
 */
record RunContext(Contract contract, ShardWorkItem item, Deadline deadline, Clock clock, ShardTally tally, BatchTasks tasks) {
    CheckSettings settings() {
        return contract.check();
    }
}
