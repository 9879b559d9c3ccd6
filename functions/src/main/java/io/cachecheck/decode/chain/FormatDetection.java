package io.cachecheck.decode.chain;

import io.cachecheck.decode.ReadLimits;

import java.util.List;
import java.util.Optional;

/**
 * What format stored bytes are in, as the decode list that reads them: the same recognition that explains a CORRUPT
 * value ({@link FormatSniffer}), offered to tools that propose a contract ({@code cachecheck init}). It reads magic
 * bytes and, where this build can read the format, decodes within {@code limits}; it never loads or runs code.
 */
public final class FormatDetection {
    /**
     * A recognised format.
     *
     * @param what  a description such as {@code gzip-compressed JSON}
     * @param steps the decode list that reads it, e.g. {@code [gzip, json]}; empty when cachecheck cannot read it
     */
    public record Format(String what, List<String> steps) {
    }

    private FormatDetection() {
    }

    /** The format of {@code bytes}, when its magic bytes (and a bounded trial decode) say which. */
    public static Optional<Format> detect(byte[] bytes, ReadLimits limits) {
        FormatSniffer.Guess guess = FormatSniffer.guess(bytes, limits, 0);
        return guess == null ? Optional.empty() : Optional.of(new Format(guess.what(), List.copyOf(guess.names())));
    }
}
