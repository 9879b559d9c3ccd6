package io.cachecheck.local.cli;

import io.cachecheck.error.CacheCheckException;
import io.cachecheck.error.DidYouMean;
import io.cachecheck.local.asl.AslDefinitionException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every mistake on the command line and every error of a command as one line on stderr, {@code error: ...}, with exit
 * code 2: picocli's own messages come with a screen of usage text, which buries the one thing to fix. A command
 * given {@code --json} also gets its error as the JSON document on stdout, so a script reading it always gets one.
 */
final class OneLineErrors implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    /** How picocli's HelpCommand words {@code cachecheck help nope}. */
    private static final Pattern UNKNOWN_SUBCOMMAND = Pattern.compile("Unknown subcommand '(.*)'\\.");

    private final PrintStream out;
    private final PrintStream err;

    OneLineErrors(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        err.println("error: " + message(e));
        return CacheCheckCli.INCOMPLETE_OR_ERROR;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        // a UsageException or a CacheCheckException says what to fix; anything else (e.g. an AWS SDK client error) is
        // still one line and exit 2, never a stack trace and the JVM's exit code 1, which would read as "drift"
        String line = e instanceof CacheCheckCli.UsageException || e instanceof CacheCheckException
                || e instanceof AslDefinitionException ? e.getMessage() : CacheCheckCli.unexpected(e);
        err.println("error: " + line);
        if (asksForJson(parsed)) {
            out.println(JsonSummary.error(line));
        }
        return CacheCheckCli.INCOMPLETE_OR_ERROR;
    }

    private static boolean asksForJson(ParseResult parsed) {
        ParseResult innermost = parsed;
        while (innermost.hasSubcommand()) {
            innermost = innermost.subcommand();
        }
        return innermost.hasMatchedOption("--json");
    }

    /** The line for a mistake picocli found, in the CLI's words: what is wrong, the nearest valid name, --help. */
    static String message(ParameterException e) {
        CommandSpec command = e.getCommandLine().getCommandSpec();
        // picocli checks required options before it reports unknown ones; a misspelt option is the likelier mistake
        // (validate --contrat x is "unknown option --contrat", not "--contract is required")
        List<String> unmatched = e instanceof CommandLine.UnmatchedArgumentException u ? u.getUnmatched()
                : e.getCommandLine().getUnmatchedArguments();
        // `cachecheck help nope`: picocli's HelpCommand reports it on the root command, in its own words
        Matcher helpOf = UNKNOWN_SUBCOMMAND.matcher(String.valueOf(e.getMessage()));
        if (helpOf.matches() && !command.subcommands().isEmpty()) {
            return unknownCommand(helpOf.group(1), command);
        }
        if (!unmatched.isEmpty()) {
            String first = unmatched.get(0);
            if (first.startsWith("-")) {
                String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                return "unknown option " + name + DidYouMean.hint(name, command.optionsMap().keySet()) + ", see --help";
            }
            if (!command.subcommands().isEmpty()) {
                return unknownCommand(first, command);
            }
            return "unexpected argument '" + first + "'; options start with --, see --help";
        }
        if (e instanceof CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty()
                && missing.getMissing().get(0) instanceof OptionSpec option) {
            // picocli uses this one exception both for an option given without its value and a required option left out
            if (e.getMessage().startsWith("Missing required option")) {
                return option.longestName() + " " + option.paramLabel() + " is required: " + firstLine(option);
            }
            return option.longestName() + " needs a value, see --help";
        }
        if (e instanceof CommandLine.OverwrittenOptionException overwritten
                && overwritten.getOverwritten() instanceof OptionSpec option) {
            return option.longestName() + " is given twice; give it once (a repeated option would silently replace the"
                    + " first), see --help";
        }
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return text.replaceFirst("\\.$", "") + ", see --help";
    }

    /** The commands are listed from the registered ones, so a new subcommand is named here by itself. */
    private static String unknownCommand(String name, CommandSpec command) {
        List<String> commands = new ArrayList<>(new TreeSet<>(command.subcommands().keySet()));
        return "unknown command '" + name + "'" + DidYouMean.hint(name, commands) + "; use "
                + String.join(", ", commands.subList(0, commands.size() - 1)) + " or "
                + commands.get(commands.size() - 1) + ", see --help";
    }

    private static String firstLine(ArgSpec spec) {
        return spec.description().length == 0 ? "see --help" : spec.description()[0];
    }
}
