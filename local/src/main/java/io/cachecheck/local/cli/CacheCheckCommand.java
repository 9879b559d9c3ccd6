package io.cachecheck.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The root command, {@code cachecheck}: the list of subcommands, the version and the help every subcommand shares.
 *
 * <p>A subcommand is one class in this package, annotated {@code @Command(name = "...", mixinStandardHelpOptions =
 * true)}, implementing {@code Callable<Integer>} (the exit code), with {@code @ParentCommand CacheCheckCommand root}
 * for {@link #out()} and {@link #err()}; it is registered by one line in {@code subcommands} below. Its exceptions
 * become one-line errors with exit code 2 ({@link OneLineErrors}).
 */
@Command(name = "cachecheck", mixinStandardHelpOptions = true, versionProvider = CacheCheckCommand.Version.class,
        description = "Proves, tenant by tenant, that a Redis cache agrees with the database it caches.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
                // one line per subcommand, one class each (see the class comment)
                InitCommand.class,
                ValidateCommand.class,
                DemoCommand.class,
                ExplainCommand.class,
                ReportCommand.class,
                CompletionCommand.class,
                HelpCommand.class,
        },
        footer = {"", CacheCheckCommand.EXIT_CODES})
final class CacheCheckCommand implements Callable<Integer> {
    /** The exit codes, as every run's help prints them. */
    static final String EXIT_CODES = "Exit codes: 0 consistent, 1 drift or gate failed, 2 incomplete or error (a --sample run is never consistent: it"
            + " exits 0 only when its gate passed, the interval's upper bound within --max-drift-ratio). With"
            + " --mode gate the exit code is the gate's: 0 when it passed (e.g. drift within --max-drift-ratio), else 1"
            + " (2 when incomplete).";

    private final CacheCheckCli cli;

    @Spec
    CommandSpec spec;

    CacheCheckCommand(CacheCheckCli cli) {
        this.cli = cli;
    }

    CacheCheckCli cli() {
        return cli;
    }

    /** stdout: results (the summary, or the --json document). */
    PrintStream out() {
        return cli.out();
    }

    /** stderr: progress, warnings, errors. */
    PrintStream err() {
        return cli.err();
    }

    /** {@code cachecheck} without a command: the help, on stderr, and exit code 2 (nothing was run). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CacheCheckCli.INCOMPLETE_OR_ERROR;
    }

    /** The version Maven wrote into version.properties when it built the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[]{"cachecheck " + properties.getProperty("version", "(unknown: not built by Maven)")};
        }
    }
}
