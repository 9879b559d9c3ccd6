package io.cachecheck.decode.compress;

import io.cachecheck.decode.ByteDecoder;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * gzip (RFC 1952: {@code GZIPOutputStream}, Python's {@code gzip.compress}, Node's {@code zlib.gzipSync}), with the
 * JDK's reader; concatenated members are read as one, as {@code GZIPInputStream} reads them.
 */
public final class GzipDecoder implements ByteDecoder {
    @Override
    public byte[] decode(byte[] bytes, ReadLimits limits) throws UndecodableException {
        BoundedOutput out = new BoundedOutput(bytes.length * 4, limits.maxBytes(), "gzip");
        // the input is in memory: a read buffer larger than it would only be allocated and not used
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), Math.max(512, Math.min(8192, bytes.length)))) {
            while (true) {
                if (out.full()) {
                    if (in.read() < 0) {
                        return out.toByteArray(); // exactly maxValueBytes
                    }
                    throw out.tooLarge();
                }
                out.ensure(1);
                int n = in.read(out.buf, out.size, out.buf.length - out.size);
                if (n < 0) {
                    return out.toByteArray();
                }
                out.size += n;
            }
        } catch (EOFException e) {
            throw new UndecodableException("gzip: truncated data");
        } catch (IOException e) {
            throw new UndecodableException("gzip: not valid gzip data");
        }
    }
}
