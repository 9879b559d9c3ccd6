package io.cachecheck.decode.javaser;

import java.util.HashMap;
import java.util.Map;

/** Every class rendered by its known serialised form rather than field by field, by binary class name. */
final class KnownClasses {
    static final Map<String, KnownClass> ALL = build();

    private KnownClasses() {
    }

    private static Map<String, KnownClass> build() {
        Map<String, KnownClass> all = new HashMap<>();
        JdkValues.register(all);
        JdkCollections.register(all);
        JavaTimeSer.register(all);
        return Map.copyOf(all);
    }
}
