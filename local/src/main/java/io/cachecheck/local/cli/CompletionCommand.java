package io.cachecheck.local.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code cachecheck completion}: prints the bash/zsh completion script of every command and option (picocli's). */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print the shell completion script (bash; zsh through bashcompinit) on stdout.",
        footer = {"", "It completes the command named cachecheck: a script on PATH that runs java -jar",
                ".../cachecheck.jar (see the README). Install it for bash with",
                "  cachecheck completion > ~/.local/share/bash-completion/completions/cachecheck",
                "or load it in this shell with",
                "  source <(cachecheck completion)",
                "zsh (~/.zshrc): autoload -U +X compinit && compinit",
                "                autoload -U +X bashcompinit && bashcompinit",
                "                source <(cachecheck completion)"})
final class CompletionCommand implements Callable<Integer> {
    @ParentCommand
    CacheCheckCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SHELL", description = "bash (the default) or zsh: the same script, which"
            + " zsh loads through bashcompinit")
    String shell;

    @Override
    public Integer call() {
        if (shell != null && !shell.equals("bash") && !shell.equals("zsh")) {
            throw new CacheCheckCli.UsageException("completion: no script for the shell '" + shell + "'; use bash or zsh"
                    + " (zsh loads the bash script through bashcompinit)");
        }
        root.out().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        root.out().flush();
        return CacheCheckCli.CONSISTENT;
    }
}
