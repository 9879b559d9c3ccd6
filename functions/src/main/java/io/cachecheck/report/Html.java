package io.cachecheck.report;

/**
 * Escaping for the report. Keys, tenant ids, namespaces, reasons and run ids are untrusted text (a key may be
 * {@code <script>}), so every one goes through {@link #text} (element content and quoted attributes) or
 * {@link #json} (the embedded search index); nothing untrusted is ever written raw.
 */
final class Html {
    /** Longest untrusted text shown in one cell; the audit log holds it whole. Bounds the report's size. */
    static final int MAX_TEXT = 200;

    private Html() {
    }

    /** Escapes for element content and double- or single-quoted attribute values; null becomes the empty string. */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // control characters (a key may hold any byte the validator escaped, but be safe) are not shown raw
                    if (c < 0x20 && c != '\t' && c != '\n') {
                        out.append("&#xFFFD;");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** {@link #text} of at most {@link #MAX_TEXT} characters, with an ellipsis when cut. */
    static String shortText(String s) {
        return text(cut(s, MAX_TEXT));
    }

    static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "\u2026";
    }

    /**
     * A JSON string literal that is safe inside a {@code <script type="application/json">} element: besides JSON's
     * own escapes, {@code <}, {@code >} and {@code &} are written as {@code \\u003c} etc., so no text can close the
     * element ({@code </script>}) or open a comment.
     */
    static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
