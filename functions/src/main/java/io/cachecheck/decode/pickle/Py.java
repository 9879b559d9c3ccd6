package io.cachecheck.decode.pickle;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The Python values that {@link PickleMachine} builds before they become a tree. Scalars are plain Java values
 * ({@code Boolean}, {@code Long}, {@code BigInteger}, {@code Double}, {@code String}, {@code byte[]},
 * {@code BigDecimal}); containers are mutable and compared by identity, as in Python, because a pickle fills a
 * container after it is memoised and may refer to it again.
 */
final class Py {
    private Py() {
    }

    /** Python's None. */
    enum None { INSTANCE }

    /** A list, tuple, set or frozenset, or a dict (keys and values alternate in {@code items}). */
    static final class Container {
        enum Kind { LIST, TUPLE, SET, FROZENSET, DICT }

        final Kind kind;
        final List<Object> items;
        /** Set while the tree walk is inside this container: meeting it again there is a cycle. */
        boolean visiting;

        Container(Kind kind, List<Object> items) {
            this.kind = kind;
            this.items = items;
        }

        static Container empty(Kind kind) {
            return new Container(kind, new ArrayList<>());
        }
    }

    /** A global named by GLOBAL/STACK_GLOBAL that this reader interprets (only ever as a REDUCE callable). */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A {@code datetime.datetime} or {@code datetime.date}, already as its ISO text. */
    record DateText(String iso) {
    }

    /** A {@code datetime.timedelta}: read only as the offset of a {@code datetime.timezone}. */
    record Timedelta(long days, long seconds, long microseconds) {
    }

    /** A fixed-offset {@code datetime.timezone}: read only as the zone of a {@code datetime.datetime}. */
    record Timezone(ZoneOffset offset) {
    }
}
