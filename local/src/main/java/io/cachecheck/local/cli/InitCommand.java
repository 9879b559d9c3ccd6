package io.cachecheck.local.cli;

import io.cachecheck.local.init.InitRunner;
import io.cachecheck.local.init.InitRunner.Options;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cachecheck init}: writes a draft contract from a sample of the cache and the database's tables (docs/init.md). */
@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "cachecheck init --cache=URL --source=URL [OPTIONS]",
        description = {"Write a draft contract from a sample of the cache and the database's tables (docs/init.md).",
                "It checks the draft on the sample and prints, per namespace, how many keys found a row and compared"
                        + " equal. Reads only: SCAN, TYPE, GET/MGET, HGETALL, INFO; information_schema and the draft's queries in"
                        + " read-only sessions. A password in a URL is used to connect, never written."},
        footer = {"", "Exit codes: 0 the draft was written, loads and was checked; 1 it was written but does not load"
                + " until its TODO(init) comments are resolved; 2 an error (nothing written)."})
final class InitCommand implements Callable<Integer> {
    @ParentCommand
    CacheCheckCommand root;

    @Option(names = "--cache", required = true, paramLabel = "URL",
            description = "the cache: redis://host:port[/db] (rediss:// for TLS)")
    String cache;

    @Option(names = "--source", required = true, paramLabel = "URL", description = "the database: jdbc:postgresql://,"
            + " jdbc:mysql://, jdbc:mariadb:// or the jdbc:aws-wrapper: form")
    String source;

    @Option(names = "--source-user", paramLabel = "NAME", description = "database user (default: the URL's user)")
    String sourceUser;

    @Option(names = "--source-password-env", paramLabel = "VAR",
            description = "environment variable holding the database password (written as source.auth.passwordEnv)")
    String sourcePasswordEnv;

    @Option(names = "--cache-user", paramLabel = "NAME", description = "Redis ACL user")
    String cacheUser;

    @Option(names = "--cache-password-env", paramLabel = "VAR", description = "environment variable holding the Redis password")
    String cachePasswordEnv;

    @Option(names = "--schema", paramLabel = "a,b", split = ",", description = "schemas (PostgreSQL) or databases"
            + " (MySQL/MariaDB) to match tables in (default: every non-system schema; MySQL/MariaDB: the URL's database)")
    List<String> schemas;

    @Option(names = "--out", paramLabel = "FILE", description = "the draft to write (default: " + Options.DEFAULT_OUT + ")")
    Path out;

    @Option(names = "--force", description = "overwrite FILE if it exists")
    boolean force;

    @Option(names = "--max-keys", paramLabel = "N", description = "most keys to sample with SCAN (default: "
            + Options.DEFAULT_MAX_KEYS + ")")
    Integer maxKeys;

    @Option(names = "--keys-per-second", paramLabel = "N", description = "most keys sampled per second (default: "
            + Options.DEFAULT_KEYS_PER_SECOND + ")")
    Integer keysPerSecond;

    @Option(names = "--scan-count", paramLabel = "N", description = "SCAN COUNT hint (default: " + Options.DEFAULT_SCAN_COUNT + ")")
    Integer scanCount;

    @Option(names = "--values-per-namespace", paramLabel = "N", description = "most values read per key family (default: "
            + Options.DEFAULT_VALUES_PER_NAMESPACE + ")")
    Integer valuesPerNamespace;

    @Override
    public Integer call() {
        return new InitRunner(root.out(), root.err()).run(new Options(cache, source, sourceUser, sourcePasswordEnv, cacheUser,
                cachePasswordEnv, schemas, out, force, maxKeys, keysPerSecond, scanCount, valuesPerNamespace));
    }
}
