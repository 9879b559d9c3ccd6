package io.cachecheck.local.asl;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/** The most recent state events of one execution; shared by Map and Parallel threads. */
final class History {

    private final int limit;
    private final ArrayDeque<StateEvent> events = new ArrayDeque<>();

    History(int limit) {
        this.limit = limit;
    }

    void add(String stateName, String type, String detail) {
        add(stateName, type, detail, -1);
    }

    synchronized void add(String stateName, String type, String detail, int payloadBytes) {
        if (limit == 0) {
            return;
        }
        if (events.size() == limit) {
            events.removeFirst();
        }
        events.addLast(new StateEvent(stateName, type, Instant.now(), detail, payloadBytes));
    }

    synchronized List<StateEvent> snapshot() {
        return List.copyOf(events);
    }
}
