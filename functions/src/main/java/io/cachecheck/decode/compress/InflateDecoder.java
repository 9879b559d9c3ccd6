package io.cachecheck.decode.compress;

import io.cachecheck.decode.ByteDecoder;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * zlib (RFC 1950: what {@code java.util.zip.Deflater}, Python's {@code zlib.compress} and Node's
 * {@code zlib.deflateSync} write) or raw deflate (RFC 1951: {@code Deflater(level, true)}, Node's
 * {@code deflateRawSync}), with the JDK's inflater. Bytes after the end of the stream are ignored, as the JDK's and
 * Python's readers ignore them.
 */
public final class InflateDecoder implements ByteDecoder {
    private final boolean raw;
    private final String name;

    private InflateDecoder(boolean raw) {
        this.raw = raw;
        this.name = raw ? "deflate" : "zlib";
    }

    public static InflateDecoder zlib() {
        return new InflateDecoder(false);
    }

    public static InflateDecoder rawDeflate() {
        return new InflateDecoder(true);
    }

    @Override
    public byte[] decode(byte[] bytes, ReadLimits limits) throws UndecodableException {
        Inflater inflater = new Inflater(raw);
        try {
            inflater.setInput(bytes);
            BoundedOutput out = new BoundedOutput(bytes.length * 4, limits.maxBytes(), name);
            boolean padded = false;
            byte[] probe = new byte[1];
            while (!inflater.finished()) {
                int n;
                if (out.full()) {
                    n = inflater.inflate(probe); // at maxValueBytes: only the end of the stream may follow
                    if (n > 0) {
                        throw out.tooLarge();
                    }
                } else {
                    out.ensure(1);
                    n = inflater.inflate(out.buf, out.size, out.buf.length - out.size);
                    out.size += n;
                }
                if (n == 0 && !inflater.finished()) {
                    if (inflater.needsDictionary()) {
                        throw new UndecodableException(name + ": the stream needs a preset dictionary, which is not supported");
                    }
                    if (!inflater.needsInput()) {
                        throw new UndecodableException(name + ": not valid " + name + " data");
                    }
                    if (raw && !padded) {
                        // raw inflate may need one extra byte to see the end of the last block (Inflater's Javadoc)
                        inflater.setInput(new byte[1]);
                        padded = true;
                        continue;
                    }
                    throw new UndecodableException(name + ": truncated data (the stream does not end)");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new UndecodableException(name + ": not valid " + name + " data");
        } finally {
            inflater.end();
        }
    }
}
