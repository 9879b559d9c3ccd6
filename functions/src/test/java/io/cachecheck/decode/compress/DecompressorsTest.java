package io.cachecheck.decode.compress;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import io.cachecheck.decode.ByteDecoder;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each decompressor reads what the encoders applications use write, and bounds what it produces. */
class DecompressorsTest {
    static final byte[] JSON = ("{\"id\":1000,\"status\":\"shipped\",\"total\":111185.20,\"note\":\""
            + "lorem ipsum dolor sit amet ".repeat(400) + "\"}").getBytes(StandardCharsets.UTF_8);
    private static final ReadLimits LIMITS = ReadLimits.ofMaxBytes(1 << 20);

    interface Encoder {
        byte[] encode(byte[] plain) throws IOException;
    }

    static byte[] stream(byte[] plain, java.util.function.Function<OutputStream, OutputStream> wrap) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream o = wrap.apply(out)) {
            o.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(out)) {
            o.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] zlib(byte[] plain) throws IOException {
        return stream(plain, DeflaterOutputStream::new);
    }

    static byte[] rawDeflate(byte[] plain) throws IOException {
        return stream(plain, o -> new DeflaterOutputStream(o, new Deflater(Deflater.DEFAULT_COMPRESSION, true)));
    }

    static byte[] lz4Frame(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream o = new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)) {
            o.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] zstdStreamed(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream o = new ZstdOutputStream(out)) {
            o.write(plain); // a streamed frame does not declare its size
        }
        return out.toByteArray();
    }

    private static void roundTrips(ByteDecoder decoder, Encoder encoder) throws Exception {
        assertThat(decoder.decode(encoder.encode(JSON), LIMITS)).isEqualTo(JSON);
        assertThat(decoder.decode(encoder.encode(new byte[0]), LIMITS)).isEmpty();
        byte[] random = new byte[200_000];
        new Random(7).nextBytes(random); // incompressible: stored blocks
        assertThat(decoder.decode(encoder.encode(random), LIMITS)).isEqualTo(random);
    }

    @Test
    void gzip_readsGzipOutputStream() throws Exception {
        roundTrips(new GzipDecoder(), DecompressorsTest::gzip);
    }

    @Test
    void zlib_readsDeflaterOutputStream() throws Exception {
        roundTrips(InflateDecoder.zlib(), DecompressorsTest::zlib);
    }

    @Test
    void deflate_readsRawDeflate() throws Exception {
        roundTrips(InflateDecoder.rawDeflate(), DecompressorsTest::rawDeflate);
    }

    @Test
    void lz4_readsLz4JavaFrames() throws Exception {
        roundTrips(new Lz4FrameDecoder(), DecompressorsTest::lz4Frame);
    }

    @Test
    void lz4_readsLinkedBlocksAndChecksums_writtenByTheLz4Command() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lz4")), "the lz4 command is not installed");
        Path in = Files.createTempFile("cc-lz4", ".json");
        try {
            byte[] big = ("{\"note\":\"" + "abcdefghij".repeat(30_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            Files.write(in, big);
            // -BD: linked blocks (each may refer into the previous one), -B4: 64 KiB blocks, -BX: block checksums
            Process p = new ProcessBuilder("lz4", "-q", "-f", "-c", "-BD", "-B4", "-BX", "--content-size", in.toString())
                    .redirectErrorStream(false).start();
            byte[] framed = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();

            assertThat(new Lz4FrameDecoder().decode(framed, LIMITS)).isEqualTo(big);
        } finally {
            Files.deleteIfExists(in);
        }
    }

    @Test
    void snappy_readsSnappyJava() throws Exception {
        roundTrips(new SnappyDecoder(), Snappy::compress);
    }

    @Test
    void zstd_readsZstdJni_oneShotAndStreamed() throws Exception {
        roundTrips(new ZstdDecoder(), Zstd::compress);
        roundTrips(new ZstdDecoder(), DecompressorsTest::zstdStreamed);
    }

    @Test
    void eachDecompressor_atExactlyTheLimit_decodes_andOneByteMore_isTooLarge() throws Exception {
        byte[] plain = new byte[4096];
        new Random(3).nextBytes(plain);
        ReadLimits exact = ReadLimits.ofMaxBytes(4096);
        ReadLimits less = ReadLimits.ofMaxBytes(4095);
        for (Object[] c : cases()) {
            ByteDecoder d = (ByteDecoder) c[1];
            byte[] encoded = ((Encoder) c[2]).encode(plain);
            assertThat(d.decode(encoded, exact)).as((String) c[0]).isEqualTo(plain);
            assertThatThrownBy(() -> d.decode(encoded, less)).as((String) c[0])
                    .isInstanceOf(UndecodableException.class).hasMessageStartingWith("too-large");
        }
    }

    @Test
    void aDecompressionBomb_isTooLarge_andAllocatesAboutTheLimitOnly() throws Exception {
        byte[] zeros = new byte[64 << 20]; // 64 MiB of zeros compress to kilobytes
        ReadLimits limits = ReadLimits.ofMaxBytes(1 << 20);
        for (Object[] c : cases()) {
            ByteDecoder d = (ByteDecoder) c[1];
            byte[] bomb = ((Encoder) c[2]).encode(zeros);
            assertThat(bomb.length).as((String) c[0]).isLessThan(4 << 20);
            long before = allocated();
            assertThatThrownBy(() -> d.decode(bomb, limits)).as((String) c[0])
                    .isInstanceOf(UndecodableException.class).hasMessageStartingWith("too-large");
            // the output grows by doubling up to the limit: at most about twice the limit, never the 64 MiB
            assertThat(allocated() - before).as((String) c[0] + " bytes allocated").isLessThan(6L << 20);
        }
    }

    static Object[][] cases() {
        return new Object[][] {
                {"gzip", new GzipDecoder(), (Encoder) DecompressorsTest::gzip},
                {"zlib", InflateDecoder.zlib(), (Encoder) DecompressorsTest::zlib},
                {"deflate", InflateDecoder.rawDeflate(), (Encoder) DecompressorsTest::rawDeflate},
                {"lz4", new Lz4FrameDecoder(), (Encoder) DecompressorsTest::lz4Frame},
                {"snappy", new SnappyDecoder(), (Encoder) Snappy::compress},
                {"zstd", new ZstdDecoder(), (Encoder) Zstd::compress},
                {"zstd-streamed", new ZstdDecoder(), (Encoder) DecompressorsTest::zstdStreamed},
        };
    }

    /** Bytes this thread has allocated so far (HotSpot). */
    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void garbage_isUndecodableWithAReasonNamingTheFormat() {
        byte[] text = "plain text, not compressed".getBytes(StandardCharsets.UTF_8);
        for (Object[] c : cases()) {
            assertThatThrownBy(() -> ((ByteDecoder) c[1]).decode(text, LIMITS)).as((String) c[0])
                    .isInstanceOf(UndecodableException.class)
                    .satisfies(e -> assertThat(((UndecodableException) e).reason()).doesNotContain("plain text"));
        }
    }
}
