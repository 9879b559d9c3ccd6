package io.cachecheck.handler;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Lambda deployment artifact, functions/target/cachecheck-functions.jar (built by the shade plugin in
 * {@code package}, before failsafe runs this): it holds the handlers and their dependencies, and nothing of the CLI.
 * picocli and the local runner belong to local/ only; a dependency that dragged them in would grow every cold start.
 */
class LambdaJarIT {
    private static final Path JAR = Path.of("target/cachecheck-functions.jar");

    @Test
    void theLambdaJar_holdsTheHandlers_andNoPicocliOrCliClass() throws Exception {
        assertThat(JAR).as("mvn package builds it before the integration tests").isRegularFile();
        List<String> entries;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
        }

        // it is the shaded jar: our handlers and a shaded dependency
        assertThat(entries).contains("io/cachecheck/handler/ValidateShardHandler.class",
                "io/cachecheck/handler/DiscoverShardsHandler.class", "io/cachecheck/handler/AggregateHandler.class");
        assertThat(entries).anyMatch(e -> e.startsWith("redis/clients/jedis/"));
        // and nothing of the command line
        assertThat(entries).filteredOn(e -> e.startsWith("picocli/") || e.contains("info.picocli")
                || e.startsWith("io/cachecheck/local/")).isEmpty();
        assertThat(Files.size(JAR)).isPositive();
    }
}
