package io.cachecheck.check;

import java.nio.charset.StandardCharsets;

/** Prints keys safely: valid UTF-8 as is, other bytes and control characters escaped as {@code \xNN}. */
public final class KeyText {
    private KeyText() {
    }

    public static String display(byte[] key) {
        String decoded = io.cachecheck.decode.Utf8.decode(key);
        if (decoded != null && decoded.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            return decoded;
        }
        StringBuilder out = new StringBuilder(key.length + 16);
        for (byte b : key) {
            int v = b & 0xff;
            if (v < 0x20 || v >= 0x7f || v == '\\') {
                out.append(String.format("\\x%02x", v));
            } else {
                out.append((char) v);
            }
        }
        return out.toString();
    }

    /** Reverses {@link #display}: the exact key bytes. */
    public static byte[] parse(String display) {
        if (display.indexOf('\\') < 0) {
            return display.getBytes(StandardCharsets.UTF_8);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(display.length());
        for (int i = 0; i < display.length(); i++) {
            char c = display.charAt(i);
            if (c == '\\' && i + 3 < display.length() && display.charAt(i + 1) == 'x') {
                out.write(Integer.parseInt(display.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.write(c); // escaped form is pure ASCII
            }
        }
        return out.toByteArray();
    }
}
