package io.cachecheck.decode.compress;

import io.cachecheck.decode.CorruptReasons;
import io.cachecheck.decode.UndecodableException;

import java.util.Arrays;

/**
 * A growing output buffer that refuses to pass {@code max} bytes: a decompressor writes into it, so a value that
 * decompresses to more than {@code check.maxValueBytes} stops as CORRUPT {@code too-large} with at most {@code max}
 * bytes allocated, however much its input claims or would expand to.
 */
final class BoundedOutput {
    private final long max;
    private final String format;
    byte[] buf;
    int size;

    BoundedOutput(int expected, long max, String format) {
        this.max = max;
        this.format = format;
        this.buf = new byte[(int) Math.max(16, Math.min(expected, max))];
    }

    /** Makes room for {@code n} more bytes, or stops: the value would pass the limit. */
    void ensure(long n) throws UndecodableException {
        long needed = size + n;
        if (needed > max) {
            throw tooLarge(format, max);
        }
        if (needed > buf.length) {
            long grown = Math.max(needed, Math.min(max, (long) buf.length * 2));
            buf = Arrays.copyOf(buf, (int) Math.min(grown, Integer.MAX_VALUE - 8));
        }
    }

    /** Whether the output holds the most bytes it may: one more byte would be too large. */
    boolean full() {
        return size >= max;
    }

    UndecodableException tooLarge() {
        return tooLarge(format, max);
    }

    void write(byte[] src, int off, int len) throws UndecodableException {
        ensure(len);
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    static UndecodableException tooLarge(String format, long max) {
        return new UndecodableException(CorruptReasons.TOO_LARGE + ": decompresses (" + format + ") to more than check.maxValueBytes " + max + " bytes");
    }
}
