package io.cachecheck.check;

/**
 * A scanned key on its way to a batch.
 *
 * @param key       the key's bytes, as SCAN returned them
 * @param keyValues the values of the namespace's non-tenant placeholders, in pattern order
 * @param node      the index of the node that returned it; its value is read back from that node
 */
record ScannedKey(byte[] key, String[] keyValues, int node) {
}
