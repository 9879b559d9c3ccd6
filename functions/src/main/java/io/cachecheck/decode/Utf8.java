package io.cachecheck.decode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8: malformed or unmappable input is refused, never replaced. */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * The text of a cached value, or null when it is not UTF-8: invalid UTF-8, or UTF-16/UTF-32 text without a
     * byte-order mark (whose zero bytes are valid UTF-8, but which an application reading UTF-8 cannot read).
     */
    public static String text(byte[] bytes) {
        if (bytes.length >= 2 && (bytes[0] == 0 || bytes[1] == 0) && wide(bytes)) {
            return null;
        }
        return decode(bytes);
    }

    /**
     * Whether the first bytes have the zero pattern of UTF-16 (every other byte zero) or UTF-32 (three of four),
     * as ASCII text in those encodings has. UTF-8 text has no zero bytes unless it holds U+0000.
     */
    static boolean wide(byte[] bytes) {
        int n = Math.min(bytes.length, 64) & ~1;
        boolean evenZero = true;
        boolean oddZero = true;
        for (int i = 0; i < n; i += 2) {
            evenZero &= bytes[i] == 0;
            oddZero &= bytes[i + 1] == 0;
        }
        if (evenZero != oddZero) {
            return true; // UTF-16 of ASCII (or UTF-32, whose zeros fill one parity too)
        }
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            zeros += bytes[i] == 0 ? 1 : 0;
        }
        return n >= 4 && zeros * 4 >= n * 3; // UTF-32
    }

    /** The text of {@code bytes}, or null when they are not valid UTF-8. */
    public static String decode(byte[] bytes) {
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
