package io.cachecheck.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Orders a group's keys by their integer key value, so that a batch cut from them covers a narrow key range
 * ({@link KeyBatcher#RANGE_GROUP_BATCHES}). Keys whose value is not an integer keep their order, after the others:
 * the source looks them up by list wherever they are.
 */
final class KeyOrder {
    private record Item(long value, ScannedKey key) {
    }

    private KeyOrder() {
    }

    static List<ScannedKey> sorted(List<ScannedKey> keys) {
        Item[] items = new Item[keys.size()];
        List<ScannedKey> rest = new ArrayList<>(0);
        int n = 0;
        for (ScannedKey key : keys) {
            String v = key.keyValues()[0];
            if (integer(v)) {
                items[n++] = new Item(Long.parseLong(v), key);
            } else {
                rest.add(key); // text keys are common here: no exception per key
            }
        }
        Arrays.sort(items, 0, n, Comparator.comparingLong(Item::value));
        List<ScannedKey> out = new ArrayList<>(keys.size());
        for (int i = 0; i < n; i++) {
            out.add(items[i].key());
        }
        out.addAll(rest);
        return out;
    }

    /** Digits with an optional minus, short enough to be a long. */
    private static boolean integer(String v) {
        int start = v.startsWith("-") ? 1 : 0;
        if (v.length() == start || v.length() - start > 18) {
            return false;
        }
        for (int i = start; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
