package io.cachecheck.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a text file that a person wrote (a contract, an execution input, a state machine definition) as UTF-8, and
 * says what is wrong with one that is not, in words that lead to the fix: where the first byte that is not UTF-8 is,
 * that a file is UTF-16 (which editors on Windows save by default), that a path is a directory. The JDK's own
 * messages ({@code MalformedInputException: Input length = 1}, {@code IOException: Is a directory}) say neither.
 */
public final class TextFiles {
    private TextFiles() {
    }

    /** Why a file cannot be read as UTF-8 text; the message completes "FILE ..." and ends with the fix. */
    public static final class Unreadable extends RuntimeException {
        Unreadable(String problem) {
            super(problem, null, false, false);
        }
    }

    /**
     * The file's text, without a leading UTF-8 byte order mark.
     *
     * @throws Unreadable with a message such as "is not UTF-8: byte 0xE9 at line 3, column 7; save the file as UTF-8"
     */
    public static String readUtf8(Path file) {
        if (Files.isDirectory(file)) {
            throw new Unreadable("is a directory; pass the path of the file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Unreadable("does not exist; check the path");
        } catch (AccessDeniedException e) {
            throw new Unreadable("cannot be read: permission denied; make it readable for this user");
        } catch (IOException e) {
            throw new Unreadable("cannot be read (" + e.getClass().getSimpleName() + "); check the path and the file");
        }
        return decode(bytes);
    }

    /** The text of UTF-8 bytes, or {@link Unreadable} saying where they are not UTF-8. */
    public static String decode(byte[] bytes) {
        String bom = byteOrderMark(bytes);
        if (bom != null) {
            throw new Unreadable("is " + bom + " (it starts with that byte order mark); save it as UTF-8");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new Unreadable("holds a NUL byte at " + position(bytes, i) + ", as a UTF-16 or binary file does;"
                        + " save it as UTF-8 text");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            throw new Unreadable("is not UTF-8: byte 0x" + String.format("%02X", bytes[at] & 0xff) + " at " + position(bytes, at)
                    + " is not valid UTF-8 (a Latin-1 or Windows-1252 file?); save the file as UTF-8");
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static String byteOrderMark(byte[] b) {
        if (b.length >= 4 && (b[0] == 0 && b[1] == 0 && (b[2] & 0xff) == 0xFE && (b[3] & 0xff) == 0xFF
                || (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE && b[2] == 0 && b[3] == 0)) {
            return "UTF-32";
        }
        if (b.length >= 2 && ((b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE || (b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF)) {
            return "UTF-16";
        }
        return null;
    }

    /** "line L, column C" of a byte, the column counted in characters of the (valid) text before it on its line. */
    private static String position(byte[] bytes, int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = new String(bytes, lineStart, at - lineStart, StandardCharsets.UTF_8).length() + 1;
        return "line " + line + ", column " + column;
    }
}
