package io.cachecheck.check;

/** Takes the keys a {@link KeySource} delivers: a work item's {@link KeyRouter}, or the scan phase's router. */
interface KeyConsumer {
    /** @param nodeIndex the index, in the work item's node list, of the node the key was scanned on */
    void route(byte[] key, int nodeIndex);
}
