package io.cachecheck.local.asl;

import java.util.Optional;

/**
 * The S3 objects a Distributed Map reads (ItemReader {@code arn:aws:states:::s3:getObject}) and writes (ResultWriter
 * {@code arn:aws:states:::s3:putObject}) in a local run. The local workflow maps them onto its run store (a
 * directory, or a bucket through S3Proxy), so the one definition reads and writes the same keys in both places.
 */
public interface S3Objects {

    /** The object's bytes, or empty when there is none. Throws when the bucket is not one this runner serves. */
    Optional<byte[]> get(String bucket, String key);

    /** Stores the object, replacing any previous one. */
    void put(String bucket, String key, byte[] content);

    /** For an interpreter without a store: every request fails, naming what to configure. */
    static S3Objects none() {
        return new S3Objects() {
            @Override
            public Optional<byte[]> get(String bucket, String key) {
                throw new IllegalStateException("the local runner was created without an object store (S3Objects);"
                        + " pass one to AslInterpreter.create to run ItemReader and ResultWriter");
            }

            @Override
            public void put(String bucket, String key, byte[] content) {
                get(bucket, key);
            }
        };
    }
}
