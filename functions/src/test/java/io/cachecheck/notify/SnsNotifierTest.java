package io.cachecheck.notify;

import io.cachecheck.error.CacheCheckException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnsNotifierTest {
    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:cachecheck-summary";

    @Test
    void publish_withoutCredentialsOrRoute_isACacheCheckException_soAggregateRecordsItAndKeepsTheAuditLog() {
        SnsClient sns = new SnsClient() {
            @Override
            public PublishResponse publish(PublishRequest request) {
                throw SdkClientException.create("Unable to execute HTTP request: Connect timed out");
            }

            @Override
            public String serviceName() {
                return "sns";
            }

            @Override
            public void close() {
            }
        };

        assertThatThrownBy(() -> new SnsNotifier(sns, TOPIC).publish("subject", "message"))
                .isInstanceOf(CacheCheckException.class)
                .hasMessage("cannot publish the summary to " + TOPIC + " (SdkClientException); check AWS credentials, the"
                        + " region and the network route to SNS");
    }
}
