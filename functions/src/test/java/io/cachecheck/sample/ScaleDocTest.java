package io.cachecheck.sample;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/scale.md's recipe for recomputing the sample outside cachecheck (a Python one-liner) gives the same answer as
 * {@link KeySample}: run as written, and with other keys and fractions put in.
 */
class ScaleDocTest {
    private static final Pattern RECIPE = Pattern.compile("`(python3 -c \"([^\"]+)\")`");

    @Test
    void pythonRecipe_selectsTheSameKeysAsKeySample() throws Exception {
        String doc = Files.readString(Path.of("../docs/scale.md"));
        Matcher m = RECIPE.matcher(doc);
        assertThat(m.find()).as("the recipe in docs/scale.md").isTrue();
        String code = m.group(2);
        assertThat(code).contains("k=b'shop:t1:order:42'").contains("0.01*2**64");
        assertThat(python(code)).isEqualTo(pythonBool(new KeySample(0.01).tester().includes(bytes("shop:t1:order:42"))));
        int in = 0;
        for (int i = 0; i < 12; i++) {
            String key = "shop:t" + i + ":order:" + (i * 7919);
            double fraction = i < 6 ? 0.5 : 0.25;
            String variant = code.replace("k=b'shop:t1:order:42'", "k=b'" + key + "'").replace("0.01*2**64", fraction + "*2**64");
            boolean java = new KeySample(fraction).tester().includes(bytes(key));
            in += java ? 1 : 0;
            assertThat(python(variant)).as(key).isEqualTo(pythonBool(java));
        }
        assertThat(in).as("both answers occur").isBetween(1, 11);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String pythonBool(boolean b) {
        return b ? "True" : "False";
    }

    private static String python(String code) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", code).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
