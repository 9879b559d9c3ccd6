package io.cachecheck.local.cli;

import io.cachecheck.notify.Notifier;

import java.io.PrintStream;
import java.util.stream.Collectors;

/**
 * The local stand-in for the SNS topic: prints the run summary for a person. A run that asked no gate question (see
 * {@link CacheCheckCli#gateAsked}) gets no gate line: with the default thresholds the gate fails exactly when the
 * verdict is not CONSISTENT, so "Gate: FAILED" would only repeat the verdict in words that read as a failed deployment.
 */
final class SummaryPrinter implements Notifier {
    /** The summary's gate line and the subject's gate note, as {@link io.cachecheck.workflow.Aggregate} writes them. */
    static final String GATE_LINE = "Gate: ";
    static final String SUBJECT_GATE_NOTE = " (gate failed)";

    private final PrintStream out;
    private final boolean gateAsked;

    SummaryPrinter(PrintStream out, boolean gateAsked) {
        this.out = out;
        this.gateAsked = gateAsked;
    }

    @Override
    public void publish(String subject, String message) {
        synchronized (out) {
            out.println(gateAsked ? subject : subject.replace(SUBJECT_GATE_NOTE, ""));
            out.println(gateAsked ? message : withoutGateLine(message));
            out.flush();
        }
    }

    static String withoutGateLine(String message) {
        return message.lines().filter(line -> !line.startsWith(GATE_LINE)).collect(Collectors.joining("\n"));
    }
}
