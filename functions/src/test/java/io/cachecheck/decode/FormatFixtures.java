package io.cachecheck.decode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The checked-in values of src/test/resources/formats/, written by the real writers (php, python3) with the
 * generator scripts beside them, and a way to run those scripts again where the writer is installed.
 */
public final class FormatFixtures {
    /** Maven runs tests in the module directory. */
    public static final Path ROOT = Path.of("src/test/resources/formats");

    private FormatFixtures() {
    }

    /** NAME to bytes of every NAME.bin in {@code dir}. */
    public static Map<String, byte[]> load(Path dir) {
        Map<String, byte[]> values = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".bin")) {
                    values.put(name.substring(0, name.length() - 4), Files.readAllBytes(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    /** Whether {@code command} runs and exits 0 (e.g. {@code php -v}); false when it is not installed. */
    public static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs a generator ({@code interpreter script outDir}) and returns the values it wrote. */
    public static Map<String, byte[]> generate(String interpreter, String script, Path outDir) throws Exception {
        List<String> command = new ArrayList<>(List.of(interpreter, ROOT.resolve(script).toString(), outDir.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(script + " failed: " + output);
        }
        return load(outDir);
    }
}
