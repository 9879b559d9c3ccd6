package io.cachecheck.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options; every option a tool reads is declared there with its default. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    String text(String name, String def) {
        return values.getOrDefault(name, def);
    }

    long number(String name, long def) {
        String v = values.get(name);
        return v == null ? def : Long.parseLong(v.replace("_", ""));
    }

    double decimal(String name, double def) {
        String v = values.get(name);
        return v == null ? def : Double.parseDouble(v);
    }
}
