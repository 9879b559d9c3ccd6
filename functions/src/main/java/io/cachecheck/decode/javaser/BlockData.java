package io.cachecheck.decode.javaser;

/** One block-data record (TC_BLOCKDATA or TC_BLOCKDATALONG): primitives written by a writeObject or writeExternal. */
record BlockData(byte[] source, int offset, int length) {
}
