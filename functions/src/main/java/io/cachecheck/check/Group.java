package io.cachecheck.check;

/**
 * One tenant and one namespace of a work item: the unit that is batched, looked up and counted.
 *
 * @param namespace the namespace's index in the contract
 */
record Group(String tenant, int namespace) {
}
