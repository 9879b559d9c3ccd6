package io.cachecheck.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The picocli surface of the CLI: help, version, one-line mistakes, and the completion script run by bash. */
class CommandLineSurfaceTest {

    private record Result(int code, String stdout, String stderr) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)).run(args);
        return new Result(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noCommand_printsTheHelpOnStderr_andExits2() {
        Result r = run();

        assertThat(r.code()).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("Usage: cachecheck [-hV] COMMAND").contains("validate", "demo", "completion", "help",
                CacheCheckCommand.EXIT_CODES.substring(0, 40));
    }

    @Test
    void help_andHelpOfASubcommand_goToStdout_andExit0() {
        for (String[] args : new String[][]{{"help"}, {"--help"}, {"-h"}}) {
            Result r = run(args);
            assertThat(r.code()).isZero();
            assertThat(r.stdout()).startsWith("Usage: cachecheck [-hV] COMMAND");
        }
        Result validate = run("help", "validate");
        Result flag = run("validate", "--help");

        assertThat(validate.code()).isZero();
        assertThat(validate.stdout()).startsWith("Usage: cachecheck validate --contract=FILE [OPTIONS]")
                .contains("--max-drift-ratio=X", "--no-fail-on-incomplete", "--max-remediation-keys-per-tenant=N",
                        "--json", "(default: cachecheck-out)", "manual (default: manual)", "Exit codes: 0 consistent");
        assertThat(flag).isEqualTo(validate);
        assertThat(run("help", "demo").stdout()).contains("(default: cachecheck-demo-out)").doesNotContain("--contract");
    }

    @Test
    void version_isTheBuiltVersion() {
        Result r = run("--version");

        assertThat(r.code()).isZero();
        assertThat(r.stdout().trim()).matches("cachecheck \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void mistakes_areOneLineNamingTheNearestValidName() {
        // the list is every registered command, sorted (so a new subcommand appears in it by itself)
        String commands = String.join(", ", new java.util.TreeSet<>(new CacheCheckCli(System.out, System.err).commandLine()
                .getSubcommands().keySet())).replaceFirst(", (\\w+)$", " or $1");
        assertThat(commands).startsWith("completion, demo, ").contains(", help").endsWith(" or validate");
        assertThat(run("valdate")).isEqualTo(new Result(2, "", "error: unknown command 'valdate' (did you mean validate?);"
                + " use " + commands + ", see --help\n"));
        assertThat(run("help", "valdate")).isEqualTo(new Result(2, "", "error: unknown command 'valdate' (did you mean"
                + " validate?); use " + commands + ", see --help\n"));
        assertThat(run("frobnicate").stderr()).isEqualTo("error: unknown command 'frobnicate'; use " + commands
                + ", see --help\n");
        assertThat(run("validate", "--contract", "c.yaml", "--maxConcurency", "8").stderr())
                .isEqualTo("error: unknown option --maxConcurency (did you mean --max-concurrency?), see --help\n");
        // an unknown option is reported before the missing --contract: it is the likelier mistake
        assertThat(run("validate", "--contrat", "c.yaml").stderr())
                .isEqualTo("error: unknown option --contrat (did you mean --contract?), see --help\n");
        assertThat(run("validate", "--contract=c.yaml", "--mdoe=gate").stderr())
                .isEqualTo("error: unknown option --mdoe (did you mean --mode?), see --help\n");
        assertThat(run("validate").stderr())
                .isEqualTo("error: --contract FILE is required: the contract YAML to validate against\n");
        assertThat(run("validate", "--contract", "c.yaml", "--tenants").stderr())
                .isEqualTo("error: --tenants needs a value, see --help\n");
        assertThat(run("validate", "--contract", "c.yaml", "stray").stderr())
                .isEqualTo("error: unexpected argument 'stray'; options start with --, see --help\n");
        assertThat(run("validate", "--contract", "c.yaml", "--tenants", "a", "--tenants", "b").stderr())
                .isEqualTo("error: --tenants is given twice; give it once (a repeated option would silently replace the"
                        + " first), see --help\n");
        // demo has no --contract (it brings its own)
        assertThat(run("demo", "--contract", "c.yaml").stderr())
                .isEqualTo("error: unknown option --contract, see --help\n");
        assertThat(run("validate", "--contract", "c.yaml", "--tenants", "a", "--tenants", "b").code()).isEqualTo(2);
    }

    @Test
    void aFailedCommand_isOneLine_andExit2() throws Exception {
        Result r = run("validate", "--contract", "no-such-contract.yaml", "--quiet");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().lines()).singleElement().asString().startsWith("error: ").contains("no-such-contract.yaml");
    }

    /** The script `cachecheck completion` prints, sourced by bash and asked what it completes. */
    @Test
    void completion_scriptCompletesCommandsOptionsAndModes(@TempDir Path dir) throws Exception {
        Result r = run("completion");
        assertThat(r.code()).isZero();
        Path script = dir.resolve("cachecheck.bash");
        Files.writeString(script, r.stdout());

        assertThat(complete(script, "cachecheck", "va")).isEqualTo("validate");
        assertThat(complete(script, "cachecheck", "").split(" ")).contains("validate", "demo", "completion", "help");
        assertThat(complete(script, "cachecheck", "validate", "--max-con")).isEqualTo("--max-concurrency");
        assertThat(complete(script, "cachecheck", "validate", "--mode", "")).isEqualTo("scheduled gate manual");
        assertThat(complete(script, "cachecheck", "demo", "--baseline", "")).isEqualTo("latest none");
        assertThat(complete(script, "cachecheck", "help", "de")).isEqualTo("demo");
    }

    @Test
    void completion_takesBashOrZshByName_andRefusesAnotherShellInOneLine() throws Exception {
        Result plain = run("completion");
        Result bash = run("completion", "bash");
        Result zsh = run("completion", "zsh");
        Result fish = run("completion", "fish");

        assertThat(bash.code()).isZero();
        assertThat(bash.stdout()).isEqualTo(plain.stdout()).isNotEmpty();
        assertThat(zsh.stdout()).isEqualTo(plain.stdout());
        assertThat(fish.code()).isEqualTo(2);
        assertThat(fish.stdout()).isEmpty();
        assertThat(fish.stderr().lines()).singleElement().asString()
                .isEqualTo("error: completion: no script for the shell 'fish'; use bash or zsh (zsh loads the bash script"
                        + " through bashcompinit)");
    }

    /** What bash's completion function offers for the words typed so far (the last one being completed). */
    private static String complete(Path script, String... words) throws Exception {
        String quoted = String.join(" ", java.util.Arrays.stream(words).map(w -> "'" + w + "'").toList());
        String program = "source '" + script + "'; COMP_WORDS=(" + quoted + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1));"
                + " COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE};"
                + " _complete_cachecheck cachecheck \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\";"
                + " echo \"${COMPREPLY[*]}\"";
        Process p = new ProcessBuilder("bash", "-c", program).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
