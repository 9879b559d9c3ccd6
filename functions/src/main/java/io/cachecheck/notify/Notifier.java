package io.cachecheck.notify;

/** Sends the one-screen run summary to people: an SNS topic in AWS, the console locally. */
public interface Notifier {
    /**
     * @param subject one line, at most 100 characters (the SNS e-mail subject limit)
     * @param message plain text; never values or secrets
     */
    void publish(String subject, String message);
}
