package io.cachecheck.local.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code cachecheck demo}: seeds the demo dataset (with drift on purpose) and validates it. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "cachecheck demo [OPTIONS]",
        description = {"Seed a demo dataset with drift in local PostgreSQL + Redis (docs/examples/demo-contract.yaml),"
                + " then validate it. Exits 1: the drift is on purpose.",
                "CACHECHECK_DEMO_PG / CACHECHECK_DEMO_REDIS (host:port) point it at other servers."},
        footer = {"", CacheCheckCommand.EXIT_CODES})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    CacheCheckCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "as for validate (default: " + CacheCheckCli.DEFAULT_DEMO_OUT + ")")
    String out;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        return root.cli().demo(RunOptions.given(spec.commandLine().getParseResult()));
    }
}
