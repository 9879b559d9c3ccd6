package io.cachecheck.store;

import io.cachecheck.error.CacheCheckException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3ObjectStoreTest {
    private static final String NO_CREDENTIALS = "Unable to load credentials from any of the providers in the chain"
            + " AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider()]) :"
            + " [SystemPropertyCredentialsProvider(): Unable to load credentials from system settings.]";

    /** An S3 client that fails as the SDK does without credentials. */
    private static final S3Client NO_CREDENTIALS_S3 = new S3Client() {
        @Override
        public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest request) {
            throw SdkClientException.create(NO_CREDENTIALS);
        }

        @Override
        public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
            throw SdkClientException.create(NO_CREDENTIALS);
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    };

    @Test
    void withoutCredentials_readAndWrite_failWithOneLineNamingTheObject() {
        S3ObjectStore store = new S3ObjectStore(NO_CREDENTIALS_S3, "audit-bucket");

        assertThatThrownBy(() -> store.get("audit/run-1.json"))
                .isInstanceOf(CacheCheckException.class)
                .hasMessage("cannot read s3://audit-bucket/audit/run-1.json (Unable to load credentials); check AWS"
                        + " credentials, the region and the network route to S3 (or the endpoint)");
        assertThatThrownBy(() -> store.put("runs/run-1/tenants.json", new byte[]{'{', '}'}, "application/json"))
                .isInstanceOf(CacheCheckException.class)
                .hasMessageStartingWith("cannot write s3://audit-bucket/runs/run-1/tenants.json (Unable to load credentials)");
    }
}
