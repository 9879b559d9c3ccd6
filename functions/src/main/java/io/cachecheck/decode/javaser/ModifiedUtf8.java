package io.cachecheck.decode.javaser;

import io.cachecheck.decode.UndecodableException;

import java.nio.charset.StandardCharsets;

/**
 * Decodes the modified UTF-8 of {@code DataOutput.writeUTF} (NUL as two bytes, supplementary characters as two
 * three-byte surrogates), accepting exactly what {@code DataInputStream.readUTF} accepts.
 */
final class ModifiedUtf8 {
    private ModifiedUtf8() {
    }

    static String decode(byte[] buf, int offset, int length) throws UndecodableException {
        int end = offset + length;
        int i = offset;
        while (i < end && buf[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(buf, offset, length, StandardCharsets.ISO_8859_1); // all ASCII: the common case
        }
        char[] chars = new char[length];
        int n = 0;
        i = offset;
        while (i < end) {
            int c = buf[i] & 0xff;
            switch (c >> 4) {
                case 0, 1, 2, 3, 4, 5, 6, 7 -> {
                    chars[n++] = (char) c;
                    i++;
                }
                case 12, 13 -> {
                    if (i + 1 >= end || (buf[i + 1] & 0xc0) != 0x80) {
                        throw Reasons.corrupt("invalid modified UTF-8");
                    }
                    chars[n++] = (char) ((c & 0x1f) << 6 | buf[i + 1] & 0x3f);
                    i += 2;
                }
                case 14 -> {
                    if (i + 2 >= end || (buf[i + 1] & 0xc0) != 0x80 || (buf[i + 2] & 0xc0) != 0x80) {
                        throw Reasons.corrupt("invalid modified UTF-8");
                    }
                    chars[n++] = (char) ((c & 0x0f) << 12 | (buf[i + 1] & 0x3f) << 6 | buf[i + 2] & 0x3f);
                    i += 3;
                }
                default -> throw Reasons.corrupt("invalid modified UTF-8");
            }
        }
        return new String(chars, 0, n);
    }
}
