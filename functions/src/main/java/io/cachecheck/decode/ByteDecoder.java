package io.cachecheck.decode;

/**
 * A decode step from bytes to bytes, such as a decompressor. It never returns more than {@link ReadLimits#maxBytes()}
 * bytes: past that it stops with {@link UndecodableException} whose reason starts with {@link CorruptReasons#TOO_LARGE},
 * before allocating for the rest, so a decompression bomb costs bounded memory.
 */
@FunctionalInterface
public interface ByteDecoder {
    byte[] decode(byte[] bytes, ReadLimits limits) throws UndecodableException;
}
