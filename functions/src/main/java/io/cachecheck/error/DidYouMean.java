package io.cachecheck.error;

import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;

/** The " (did you mean x?)" part of an unknown-field error: the allowed name at most two edits away, if any. */
public final class DidYouMean {
    private DidYouMean() {
    }

    public static String hint(String name, Collection<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : new TreeSet<>(allowed)) {
            int d = distance(name.toLowerCase(Locale.ROOT), a.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
