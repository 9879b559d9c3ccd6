package io.cachecheck.decode.pickle;

import io.cachecheck.decode.UndecodableException;

/**
 * Python's {@code raw-unicode-escape} codec, in which protocol 0 writes text (the UNICODE opcode): every byte is a
 * Latin-1 character except {@code \\uXXXX} and {@code \\UXXXXXXXX}, which are escapes only after an odd number of
 * backslashes. A surrogate code point is refused: Python keeps it in a str, but it is not text anyone stored.
 */
final class RawUnicodeEscape {
    private RawUnicodeEscape() {
    }

    static String decode(byte[] b) throws UndecodableException {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c != '\\') {
                sb.append((char) c);
                i++;
                continue;
            }
            int run = 0;
            while (i < b.length && b[i] == '\\') {
                sb.append('\\');
                i++;
                run++;
            }
            if ((run & 1) == 0 || i >= b.length || (b[i] != 'u' && b[i] != 'U')) {
                continue;
            }
            sb.setLength(sb.length() - 1); // the last backslash starts the escape
            int count = b[i] == 'u' ? 4 : 8;
            i++;
            int cp = 0;
            for (int k = 0; k < count; k++, i++) {
                int digit = i < b.length ? Character.digit(b[i] & 0xff, 16) : -1;
                if (digit < 0) {
                    throw PickleMachine.fail("malformed UNICODE escape");
                }
                cp = cp << 4 | digit;
            }
            if (cp < 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xd800 && cp <= 0xdfff)) {
                throw PickleMachine.fail("UNICODE escape is not a Unicode scalar value");
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
