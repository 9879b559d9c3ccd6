package io.cachecheck.decode.compress;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.cachecheck.decode.ByteDecoder;
import io.cachecheck.decode.CorruptReasons;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;

/**
 * Raw Snappy (a varint of the decompressed length, then the compressed block): what {@code snappy-java}'s
 * {@code Snappy.compress}, python-snappy's {@code snappy.compress} and Go's {@code snappy.Encode} write, decoded by
 * aircompressor (pure Java). The declared length is checked against {@code maxValueBytes} before anything is
 * allocated.
 */
public final class SnappyDecoder implements ByteDecoder {
    @Override
    public byte[] decode(byte[] bytes, ReadLimits limits) throws UndecodableException {
        long length = declaredLength(bytes);
        if (length > limits.maxBytes()) {
            throw new UndecodableException(CorruptReasons.TOO_LARGE + ": the Snappy value declares " + length
                    + " bytes, more than check.maxValueBytes " + limits.maxBytes());
        }
        if (length > (long) bytes.length * 32 + 64) {
            // a Snappy copy element expands at most 64 bytes from 3 bytes: more than this cannot be real data
            throw new UndecodableException("snappy: corrupt data (declared length larger than the data can hold)");
        }
        byte[] out = new byte[(int) length];
        try {
            int n = new SnappyDecompressor().decompress(bytes, 0, bytes.length, out, 0, out.length);
            if (n != length) {
                throw new UndecodableException("snappy: corrupt data (decompressed length differs from the declared one)");
            }
            return out;
        } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new UndecodableException("snappy: truncated or corrupt data");
        }
    }

    /** The leading varint (at most 5 bytes, 32 bits), read here so its bounds are ours. */
    private static long declaredLength(byte[] bytes) throws UndecodableException {
        long result = 0;
        for (int i = 0; i < 5; i++) {
            if (i >= bytes.length) {
                throw new UndecodableException("snappy: truncated data");
            }
            int b = bytes[i] & 0xff;
            result |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (result > Integer.MAX_VALUE - 8) {
                    throw new UndecodableException("snappy: corrupt data (declared length out of range)");
                }
                return result;
            }
        }
        throw new UndecodableException("snappy: corrupt data (declared length out of range)");
    }
}
