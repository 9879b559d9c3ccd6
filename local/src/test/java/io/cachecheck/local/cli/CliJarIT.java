package io.cachecheck.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The shaded CLI jar, local/target/cachecheck.jar, as the README installs it: a cachecheck command with completion. */
class CliJarIT {

    /** The README's completion recipe, as written there, run by bash in a HOME of its own from the repository root. */
    @Test
    void theReadmeCompletionRecipe_installsACompletingCommand(@TempDir Path home) throws Exception {
        List<String> readme = Files.readAllLines(Path.of("../README.md"));
        int start = readme.indexOf(readme.stream().filter(l -> l.startsWith("Shell completion (bash")).findFirst().orElseThrow());
        int open = readme.subList(start, readme.size()).indexOf("```") + start;
        int close = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;
        String recipe = String.join("\n", readme.subList(open + 1, close));
        assertThat(recipe).contains("cachecheck completion");

        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -e\n" + recipe + "\ncomplete -p cachecheck\ncachecheck --version")
                .directory(Path.of("..").toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", home.resolve(".local/bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("complete -o default -F _complete_cachecheck cachecheck")
                .containsPattern("cachecheck \\d+\\.\\d+\\.\\d+");
        assertThat(Files.readString(home.resolve(".local/share/bash-completion/completions/cachecheck")))
                .contains("_picocli_cachecheck_validate", "--max-drift-ratio");
    }
}
