package io.cachecheck.store;

import io.cachecheck.error.CacheCheckException;
import io.cachecheck.error.SdkErrors;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Optional;

/** An {@link ObjectStore} on an S3 bucket. Objects are encrypted by the bucket's default encryption. */
public final class S3ObjectStore implements ObjectStore {
    private final S3Client s3;
    private final String bucket;

    public S3ObjectStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public void put(String key, byte[] content, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
        } catch (S3Exception e) {
            throw new CacheCheckException("cannot write s3://" + bucket + "/" + key + " (" + SdkErrors.code(e)
                    + "); check that the bucket exists and the function may write to it", e);
        } catch (SdkClientException e) {
            throw clientProblem("write", key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            throw new CacheCheckException("cannot read s3://" + bucket + "/" + key + " (" + SdkErrors.code(e)
                    + "); check that the bucket exists and the function may read it", e);
        } catch (SdkClientException e) {
            throw clientProblem("read", key, e);
        }
    }

    @Override
    public Optional<String> bucket() {
        return Optional.of(bucket);
    }

    @Override
    public String location(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** No credentials, no region or no route to S3: one line instead of the SDK's provider-chain dump. */
    private CacheCheckException clientProblem(String verb, String key, SdkClientException e) {
        return new CacheCheckException("cannot " + verb + " s3://" + bucket + "/" + key + " (" + SdkErrors.brief(e)
                + "); check AWS credentials, the region and the network route to S3 (or the endpoint)", e);
    }
}
