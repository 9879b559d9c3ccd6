package io.cachecheck.notify;

import io.cachecheck.error.CacheCheckException;
import io.cachecheck.error.SdkErrors;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;

/** A {@link Notifier} publishing to an SNS topic. */
public final class SnsNotifier implements Notifier {
    private final SnsClient sns;
    private final String topicArn;

    public SnsNotifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public void publish(String subject, String message) {
        try {
            sns.publish(b -> b.topicArn(topicArn).subject(subject).message(message));
        } catch (SnsException e) {
            throw new CacheCheckException("cannot publish the summary to " + topicArn + " (" + SdkErrors.code(e)
                    + "); check the topic ARN and that the function may publish to it", e);
        } catch (SdkClientException e) {
            // no credentials, no region, or no route to SNS (e.g. a private subnet without an SNS endpoint or NAT)
            throw new CacheCheckException("cannot publish the summary to " + topicArn + " (" + e.getClass().getSimpleName()
                    + "); check AWS credentials, the region and the network route to SNS", e);
        }
    }
}
