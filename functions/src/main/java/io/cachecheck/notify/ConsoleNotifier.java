package io.cachecheck.notify;

import java.io.PrintStream;

/** A {@link Notifier} that prints the summary, for local runs without a topic. */
public final class ConsoleNotifier implements Notifier {
    private final PrintStream out;

    public ConsoleNotifier(PrintStream out) {
        this.out = out;
    }

    @Override
    public void publish(String subject, String message) {
        synchronized (out) {
            out.println(subject);
            out.println(message);
            out.flush();
        }
    }
}
