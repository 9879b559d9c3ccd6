package io.cachecheck.error;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Short texts for AWS SDK client errors (no credentials, no region, no network), whose messages can run to pages. */
public final class SdkErrors {
    private SdkErrors() {
    }

    /** The first sentence of a client error, without the list of every credentials or region provider it tried. */
    public static String brief(SdkClientException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int cut = message.indexOf(" : [");
        if (cut > 0) {
            message = message.substring(0, cut);
        }
        int chain = message.indexOf(" from any of the providers in the chain");
        if (chain > 0) {
            message = message.substring(0, chain);
        }
        int line = message.indexOf('\n');
        if (line > 0) {
            message = message.substring(0, line);
        }
        message = message.strip();
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        return message.isEmpty() ? e.getClass().getSimpleName() : message;
    }

    /** The service's error code (e.g. AccessDenied), or the HTTP status when the response carried none. */
    public static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? String.valueOf(e.statusCode()) : e.awsErrorDetails().errorCode();
    }
}
