package io.cachecheck.store;

import io.cachecheck.error.CacheCheckException;
import io.cachecheck.error.SdkErrors;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The object's page in the S3 console ({@code https://console.aws.amazon.com/s3/object/<bucket>?region=…&prefix=<key>}):
     * the bucket is private and KMS-encrypted, so only a signed-in person with read access can open it, and the link
     * does not expire (a presigned URL would, after at most 7 days, and would let anyone holding the mail read the report).
     * The console's Open button shows the HTML in the browser.
     */
    @Override
    public String link(String key) {
        Region region = s3.serviceClientConfiguration().region();
        return "https://console.aws.amazon.com/s3/object/" + bucket + "?region=" + (region == null ? "" : region.id())
                + "&bucketType=general&prefix=" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public List<Listed> list(String prefix, int maxKeys) {
        List<Listed> out = new ArrayList<>();
        String token = null;
        try {
            do {
                String page = token;
                ListObjectsV2Response response = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)
                        .maxKeys(Math.min(1000, maxKeys - out.size())).continuationToken(page));
                for (S3Object o : response.contents()) {
                    out.add(new Listed(o.key(), o.lastModified(), o.size() == null ? 0 : o.size()));
                }
                token = Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null;
            } while (token != null && out.size() < maxKeys);
        } catch (S3Exception e) {
            throw new CacheCheckException("cannot list s3://" + bucket + "/" + prefix + " (" + SdkErrors.code(e)
                    + "); check that the function may list the bucket (s3:ListBucket)", e);
        } catch (SdkClientException e) {
            throw clientProblem("list", prefix, e);
        }
        return out;
    }

    /** No credentials, no region or no route to S3: one line instead of the SDK's provider-chain dump. */
    private CacheCheckException clientProblem(String verb, String key, SdkClientException e) {
        return new CacheCheckException("cannot " + verb + " s3://" + bucket + "/" + key + " (" + SdkErrors.brief(e)
                + "); check AWS credentials, the region and the network route to S3 (or the endpoint)", e);
    }
}
