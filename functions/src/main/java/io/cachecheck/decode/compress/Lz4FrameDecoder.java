package io.cachecheck.decode.compress;

import io.cachecheck.decode.ByteDecoder;
import io.cachecheck.decode.CorruptReasons;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;

/**
 * The LZ4 frame format (magic {@code 04 22 4D 18}): what {@code lz4-java}'s {@code LZ4FrameOutputStream}, Python's
 * {@code lz4.frame.compress} (django-redis' LZ4 compressor) and the {@code lz4} command write. Independent and linked
 * blocks, concatenated and skippable frames. Header, block and content checksums are skipped, not verified: the
 * decoded bytes are what is compared, so a damaged value still shows as a difference or a decode error.
 *
 * <p>The block decoder is written here rather than taken from a library because the pure-Java one available
 * (aircompressor) refuses back-references into the previous block, which linked blocks (python-lz4's default) use.
 * It checks every length against the input left and the output allowed before copying, so hostile input costs at
 * most {@code maxValueBytes} of output and time linear in it.
 */
public final class Lz4FrameDecoder implements ByteDecoder {
    private static final int MAGIC = 0x184D2204;
    private static final int SKIPPABLE_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE = 0x184D2A50;
    private static final int WINDOW = 65_536;

    @Override
    public byte[] decode(byte[] in, ReadLimits limits) throws UndecodableException {
        BoundedOutput out = new BoundedOutput(in.length * 4, limits.maxBytes(), "lz4");
        int p = 0;
        boolean any = false;
        while (p < in.length) {
            int magic = int32(in, p);
            p += 4;
            if ((magic & SKIPPABLE_MASK) == SKIPPABLE) {
                long skip = int32(in, p) & 0xFFFFFFFFL;
                p += 4;
                if (skip > in.length - p) {
                    throw truncated();
                }
                p += (int) skip;
                continue;
            }
            if (magic != MAGIC) {
                throw new UndecodableException(any ? "lz4: bytes after the last frame are not an LZ4 frame"
                        : "lz4: not an LZ4 frame (magic 04 22 4D 18 missing)");
            }
            any = true;
            p = frame(in, p, out, limits);
        }
        if (!any) {
            throw new UndecodableException("lz4: no LZ4 frame");
        }
        return out.toByteArray();
    }

    private static int frame(byte[] in, int p, BoundedOutput out, ReadLimits limits) throws UndecodableException {
        need(in, p, 2);
        int flg = in[p] & 0xff;
        int bd = in[p + 1] & 0xff;
        p += 2;
        if ((flg >>> 6) != 1 || (flg & 0x02) != 0 || (bd & 0x8F) != 0) {
            throw new UndecodableException("lz4: unsupported frame version or reserved bits set");
        }
        boolean blockChecksum = (flg & 0x10) != 0;
        boolean contentSize = (flg & 0x08) != 0;
        boolean contentChecksum = (flg & 0x04) != 0;
        boolean dictionary = (flg & 0x01) != 0;
        int blockMax = switch (bd >>> 4) {
            case 4 -> 64 << 10;
            case 5 -> 256 << 10;
            case 6 -> 1 << 20;
            case 7 -> 4 << 20;
            default -> throw new UndecodableException("lz4: invalid block maximum size");
        };
        if (contentSize) {
            need(in, p, 8);
            long size = int32(in, p) & 0xFFFFFFFFL | ((long) int32(in, p + 4) << 32);
            if (size < 0 || size > limits.maxBytes() - out.size) {
                throw new UndecodableException(CorruptReasons.TOO_LARGE + ": the LZ4 frame declares more than check.maxValueBytes "
                        + limits.maxBytes() + " bytes");
            }
            p += 8;
        }
        if (dictionary) {
            throw new UndecodableException("lz4: frames that need a dictionary are not supported");
        }
        need(in, p, 1);
        p += 1; // header checksum
        while (true) {
            need(in, p, 4);
            int word = int32(in, p);
            p += 4;
            if (word == 0) {
                break; // end mark
            }
            boolean stored = word < 0;
            int size = word & 0x7FFFFFFF;
            if (size > blockMax) {
                throw new UndecodableException("lz4: a block is larger than the frame's block size");
            }
            need(in, p, size);
            if (stored) {
                out.write(in, p, size);
            } else {
                block(in, p, p + size, out);
            }
            p += size;
            if (blockChecksum) {
                need(in, p, 4);
                p += 4;
            }
        }
        if (contentChecksum) {
            need(in, p, 4);
            p += 4;
        }
        return p;
    }

    /** One LZ4 block: sequences of literals and back-references (up to 64 KiB back, into earlier blocks too). */
    static void block(byte[] in, int p, int end, BoundedOutput out) throws UndecodableException {
        while (p < end) {
            int token = in[p++] & 0xff;
            long literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (p >= end) {
                        throw truncated();
                    }
                    b = in[p++] & 0xff;
                    literals += b;
                } while (b == 255 && literals <= end - p);
            }
            if (literals > end - p) {
                throw truncated();
            }
            out.write(in, p, (int) literals);
            p += (int) literals;
            if (p == end) {
                return; // the last sequence has literals only
            }
            if (end - p < 2) {
                throw truncated();
            }
            int offset = (in[p] & 0xff) | (in[p + 1] & 0xff) << 8;
            p += 2;
            if (offset == 0 || offset > out.size || offset > WINDOW) {
                throw new UndecodableException("lz4: a back-reference points before the start of the data");
            }
            long length = token & 15;
            if (length == 15) {
                int b;
                do {
                    if (p >= end) {
                        throw truncated();
                    }
                    b = in[p++] & 0xff;
                    length += b;
                } while (b == 255 && length < Integer.MAX_VALUE);
            }
            length += 4;
            out.ensure(length);
            int from = out.size - offset;
            byte[] buf = out.buf;
            int to = out.size;
            for (long i = 0; i < length; i++) {
                buf[to++] = buf[from++]; // byte by byte: the source may overlap what is being written
            }
            out.size = to;
        }
        throw truncated(); // a block cannot end after a back-reference
    }

    private static int int32(byte[] in, int p) throws UndecodableException {
        need(in, p, 4);
        return (in[p] & 0xff) | (in[p + 1] & 0xff) << 8 | (in[p + 2] & 0xff) << 16 | (in[p + 3] & 0xff) << 24;
    }

    private static void need(byte[] in, int p, int n) throws UndecodableException {
        if (n < 0 || p > in.length - n) {
            throw truncated();
        }
    }

    private static UndecodableException truncated() {
        return new UndecodableException("lz4: truncated or corrupt data");
    }
}
