package io.cachecheck.local.cli;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.KeyText;
import io.cachecheck.contract.Cells;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.explain.Explanation;
import io.cachecheck.explain.ExplanationFormat;
import io.cachecheck.explain.KeyExplainer;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.redact.RedactionSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cachecheck explain KEY}: why one key is what it is, as a validate run would classify it
 * ({@link KeyExplainer}; docs/explain.md). Prints to stdout only; nothing is stored.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Explain one cache key: the namespace and tenant it routes to (or why it is UNMAPPED), the decode"
                + " steps, the source statement and its bind values, each field's types and whether they are equal, and"
                + " the class a validate run gives it (the key is read again after the grace period when it differs).",
                "Cached and source values are shown only with --show-values."},
        footer = {"", "Exit codes: 0 consistent (or IN_FLIGHT: not drift), 1 drift (STALE, ORPHAN, CORRUPT, UNMAPPED),"
                + " 2 not classified (the key does not exist, is ignored, or could not be checked) or error."})
final class ExplainCommand implements Callable<Integer> {
    @ParentCommand
    CacheCheckCommand root;

    @Option(names = "--contract", required = true, paramLabel = "FILE", description = "the contract YAML")
    String contract;

    @Option(names = "--show-values", description = "also show the canonical cached and source values, on this"
            + " terminal only (never written anywhere else); without it: types, lengths, equality and digests")
    boolean showValues;

    @Option(names = "--json", description = "print the explanation as one JSON document (fields: docs/explain.md)")
    boolean json;

    @Option(names = "--redact-keys", description = "write the key, its placeholder values and the bind values taken from"
            + " it as hmac:<hex>, as validate --redact-keys does; the HMAC key is read from " + CacheCheckCli.KEY_HMAC_KEY_ENV)
    boolean redactKeys;

    @Parameters(paramLabel = "KEY", description = "the key as validate prints it (bytes that are not printable UTF-8"
            + " as \\xNN)")
    String key;

    @Override
    public Integer call() {
        if (showValues && redactKeys) {
            throw new CacheCheckCli.UsageException("--show-values with --redact-keys: the values would show what the"
                    + " redacted key hides; use one of them");
        }
        if (redactKeys && System.getenv(CacheCheckCli.KEY_HMAC_KEY_ENV) == null) {
            throw new CacheCheckCli.UsageException("--redact-keys: environment variable " + CacheCheckCli.KEY_HMAC_KEY_ENV
                    + " is not set; export the HMAC key validate uses, so the key reads as in its outputs");
        }
        Contract loaded = ContractLoader.create().load(Path.of(contract));
        if (Cells.templated(loaded.cache(), loaded.source())) {
            // Which cell a key belongs to depends on its tenant's catalog row; explain connects to one cache and one
            // database, so it would otherwise fail on the unfilled template with a java.net.URI error.
            throw new CacheCheckCli.UsageException("--contract: " + contract + " is a cell contract ({placeholders} in"
                    + " cache or source, docs/contract.md \"Cells\"), which explain does not support yet; explain the"
                    + " key with a copy for its cell: that cell's own cache.url and source, without tenants.cellColumns");
        }
        SecretResolver secrets = SecretResolver.create();
        KeyRedactor redactor = redactKeys
                ? KeyRedactor.create(new RedactionSettings(true, CacheCheckCli.KEY_HMAC_KEY_ENV, null), secrets)
                : KeyRedactor.disabled();
        KeyExplainer explainer = new KeyExplainer(loaded, RedisNodes.discover(loaded.cache(), secrets), secrets, redactor);
        Explanation e = explainer.explain(KeyText.parse(key), showValues);
        if (showValues) {
            root.err().println("warning: --show-values: this output holds cached and source values; do not store or share it");
        }
        root.out().print(json ? ExplanationFormat.json(e) : ExplanationFormat.text(e));
        return exitCode(e);
    }

    static int exitCode(Explanation e) {
        if (e.driftClass() == null) {
            return CacheCheckCli.INCOMPLETE_OR_ERROR;
        }
        return e.driftClass().isDrift() ? CacheCheckCli.DRIFT : CacheCheckCli.CONSISTENT;
    }
}
