package io.cachecheck.workflow;

/**
 * What the state machine carries of a checkpoint: which one, never its content. The checkpoint itself is stored at
 * {@link RunIds#checkpointKey}; the invocation that reads number n writes only n + 1, so a retried continuation
 * reads the same checkpoint again (and at most writes n + 1 again, which nothing has read yet).
 *
 * @param shardId  the work item
 * @param sequence 1 for the item's first checkpoint, then 2, 3...
 */
public record CheckpointRef(String shardId, int sequence) {
}
