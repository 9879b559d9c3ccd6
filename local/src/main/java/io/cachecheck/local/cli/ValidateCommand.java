package io.cachecheck.local.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code cachecheck validate}: runs the validation state machine locally against a contract. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "cachecheck validate --contract=FILE [OPTIONS]",
        description = "Run the validation state machine locally (statemachine/cache-validation.asl.json).",
        footer = {"", CacheCheckCommand.EXIT_CODES})
final class ValidateCommand implements Callable<Integer> {
    @ParentCommand
    CacheCheckCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--contract", required = true, paramLabel = "FILE", description = "the contract YAML to validate against")
    String contract;

    @Option(names = "--out", paramLabel = "DIR", description = "directory for shard results, audit logs and baselines"
            + " (default: " + CacheCheckCli.DEFAULT_OUT + ")")
    String out;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        return root.cli().validate(RunOptions.given(spec.commandLine().getParseResult()));
    }
}
