package io.cachecheck.decode.javaser;

import io.cachecheck.decode.UndecodableException;

/** Big-endian reads over a value's bytes; reading past the end is CORRUPT {@code truncated}, never an exception. */
final class StreamInput {
    private final byte[] buf;
    private int pos;

    StreamInput(byte[] buf) {
        this.buf = buf;
    }

    byte[] buffer() {
        return buf;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return buf.length - pos;
    }

    /** Fails unless n more bytes (n may come from the stream, so it may be negative or huge) are there. */
    void require(long n) throws UndecodableException {
        if (n < 0 || n > buf.length - pos) {
            throw Reasons.truncated();
        }
    }

    void skip(int n) throws UndecodableException {
        require(n);
        pos += n;
    }

    int u1() throws UndecodableException {
        require(1);
        return buf[pos++] & 0xff;
    }

    int u2() throws UndecodableException {
        require(2);
        int v = (buf[pos] & 0xff) << 8 | buf[pos + 1] & 0xff;
        pos += 2;
        return v;
    }

    int s4() throws UndecodableException {
        require(4);
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | buf[pos + 3] & 0xff;
        pos += 4;
        return v;
    }

    long s8() throws UndecodableException {
        long high = s4() & 0xffffffffL;
        return high << 32 | s4() & 0xffffffffL;
    }

    /** A string with a 2-byte length (TC_STRING, class and field names). */
    String utf() throws UndecodableException {
        return utf(u2());
    }

    /** A string with an 8-byte length (TC_LONGSTRING). */
    String longUtf() throws UndecodableException {
        long length = s8();
        require(length);
        return utf((int) length);
    }

    private String utf(int length) throws UndecodableException {
        require(length);
        String s = ModifiedUtf8.decode(buf, pos, length);
        pos += length;
        return s;
    }
}
