package io.cachecheck.contract;

import io.cachecheck.error.ContractException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretResolverTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-ro";

    /** A client that fails as the SDK does on a machine without AWS credentials. */
    private static SecretsManagerClient failing(String message) {
        return new SecretsManagerClient() {
            @Override
            public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
                throw SdkClientException.create(message);
            }

            @Override
            public String serviceName() {
                return "secretsmanager";
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void secretRef_withoutAwsCredentials_failsNamingTheFieldInOneShortLine() {
        SecretResolver resolver = SecretResolver.withClient(k -> null, failing("Unable to load credentials from any of"
                + " the providers in the chain AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(),"
                + " EnvironmentVariableCredentialsProvider()]) : [SystemPropertyCredentialsProvider(): Unable to load"
                + " credentials from system settings. Access key must be specified ...]"));

        assertThatThrownBy(() -> resolver.resolve(new Credentials("cachecheck_ro", null, ARN), "source.auth"))
                .isInstanceOf(ContractException.class)
                .hasMessage("source.auth.secretRef: secret " + ARN + " cannot be read (Unable to load credentials); give"
                        + " AWS credentials and a region (AWS_REGION), or for a local run use source.auth.passwordEnv instead");
    }

    @Test
    void clientProblem_keepsShortMessages_andCapsLongOnes() {
        assertThat(SecretResolver.clientProblem(SdkClientException.create("Unable to load region"))).isEqualTo("Unable to load region");
        assertThat(SecretResolver.clientProblem(SdkClientException.create("x".repeat(500)))).hasSize(203).endsWith("...");
    }
}
