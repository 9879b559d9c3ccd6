package io.cachecheck.decode.compress;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdDecompressor;
import io.cachecheck.decode.ByteDecoder;
import io.cachecheck.decode.CorruptReasons;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;

/**
 * Zstandard frames (magic {@code 28 B5 2F FD}): what {@code zstd-jni}'s {@code Zstd.compress}, Python's zstandard
 * and the {@code zstd} command write, decoded by aircompressor (pure Java), one or several frames.
 *
 * <p>Bounds: a frame that declares its size (the usual case for a one-shot compress) is refused before any
 * allocation when that size passes {@code maxValueBytes}. Otherwise the output buffer starts small and doubles while
 * the decoder reports it too small, up to {@code maxValueBytes}; past that the value is {@code too-large}. The
 * one-shot decoder needs no window buffer, so a frame that claims a huge window costs nothing more.
 */
public final class ZstdDecoder implements ByteDecoder {
    /** A decompressor allocates about 150 KB of tables; one per thread, reused (it is not thread-safe). */
    private static final ThreadLocal<ZstdDecompressor> DECOMPRESSOR = ThreadLocal.withInitial(ZstdDecompressor::new);

    @Override
    public byte[] decode(byte[] bytes, ReadLimits limits) throws UndecodableException {
        long max = limits.maxBytes();
        long declared;
        try {
            declared = ZstdDecompressor.getDecompressedSize(bytes, 0, bytes.length);
        } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new UndecodableException("zstd: not a Zstandard frame or truncated header");
        }
        if (declared > max) {
            throw new UndecodableException(CorruptReasons.TOO_LARGE + ": the Zstandard frame declares " + declared
                    + " bytes, more than check.maxValueBytes " + max);
        }
        long capacity = declared >= 0 ? Math.max(declared, 16) : Math.min(max, Math.max(1024, (long) bytes.length * 4));
        while (true) {
            byte[] out = new byte[(int) Math.min(capacity, max)];
            try {
                int n = DECOMPRESSOR.get().decompress(bytes, 0, bytes.length, out, 0, out.length);
                return n == out.length ? out : java.util.Arrays.copyOf(out, n);
            } catch (MalformedInputException e) {
                String m = e.getMessage() == null ? "" : e.getMessage();
                if (!m.contains("Output buffer too small")) {
                    throw new UndecodableException("zstd: truncated or corrupt data");
                }
                if (out.length >= max) {
                    throw BoundedOutput.tooLarge("zstd", max);
                }
                capacity = Math.min(max, (long) out.length * 2);
            } catch (IllegalArgumentException | IndexOutOfBoundsException | UnsupportedOperationException e) {
                throw new UndecodableException("zstd: truncated or corrupt data");
            }
        }
    }
}
