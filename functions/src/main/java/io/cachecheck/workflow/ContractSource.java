package io.cachecheck.workflow;

import io.cachecheck.config.Settings;
import io.cachecheck.contract.CacheSettings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.Credentials;
import io.cachecheck.contract.SourceSettings;
import io.cachecheck.error.ContractException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Loads the contract named by {@code CACHECHECK_CONTRACT_LOCATION} and applies the deployment's overrides:
 * the secret ARNs from the environment replace the contract's {@code source.auth} / {@code cache.auth} secret
 * (the user name in the contract is kept unless the secret has one), and {@code CACHECHECK_CACHE_ENDPOINT}
 * replaces the host and port of {@code cache.url}. So one contract file works locally and in every account.
 */
public final class ContractSource {
    private ContractSource() {
    }

    public static Contract load(Settings settings, Supplier<S3Client> s3) {
        String location = settings.require(Settings.CONTRACT_LOCATION);
        ContractLoader loader = ContractLoader.create();
        Contract contract;
        if (location.startsWith("s3://")) {
            URI uri = URI.create(location);
            String key = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
            try {
                contract = loader.parse(s3.get().getObjectAsBytes(b -> b.bucket(uri.getHost()).key(key)).asUtf8String());
            } catch (S3Exception e) {
                throw new ContractException(Settings.CONTRACT_LOCATION.name() + ": cannot read " + location + " ("
                        + (e.awsErrorDetails() == null ? e.statusCode() : e.awsErrorDetails().errorCode())
                        + "); check the location and that the function may read it", e);
            }
        } else if (location.startsWith("classpath:")) {
            String name = location.substring("classpath:".length());
            try (InputStream in = ContractSource.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new ContractException(Settings.CONTRACT_LOCATION.name() + ": " + location
                            + " is not on the classpath; package the file in the function jar or use s3://");
                }
                contract = loader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ContractException(Settings.CONTRACT_LOCATION.name() + ": cannot read " + location, e);
            }
        } else {
            contract = loader.load(Path.of(location));
        }
        return applyOverrides(contract, settings);
    }

    /** Applies the environment's secret and endpoint overrides to a loaded contract. */
    public static Contract applyOverrides(Contract contract, Settings settings) {
        CacheSettings cache = contract.cache();
        SourceSettings source = contract.source();
        String dbSecret = settings.get(Settings.DB_SECRET_ARN);
        if (dbSecret != null) {
            source = new SourceSettings(source.url(), new Credentials(username(source.credentials()), null, dbSecret));
        }
        String cacheSecret = settings.get(Settings.CACHE_SECRET_ARN);
        Credentials cacheCredentials = cache.credentials();
        if (cacheSecret != null) {
            cacheCredentials = new Credentials(username(cacheCredentials), null, cacheSecret);
        }
        String url = cache.url();
        String endpoint = settings.get(Settings.CACHE_ENDPOINT);
        if (endpoint != null) {
            if (contract.cells()) {
                throw new io.cachecheck.error.ContractException(Settings.CACHE_ENDPOINT.name() + ": cannot replace the host of"
                        + " cache.url, which is a cell template (each cell has its own cache); unset it, or remove the"
                        + " placeholders from cache.url");
            }
            URI uri = URI.create(url);
            String scheme = settings.get(Settings.CACHE_TLS) ? "rediss" : uri.getScheme();
            url = scheme + "://" + endpoint + (uri.getRawPath() == null ? "" : uri.getRawPath());
            // the database number was checked with the contract; the endpoint brings the host and port
            io.cachecheck.contract.CacheUrl.check(url, Settings.CACHE_ENDPOINT.name() + " (the host:port of cache.url)",
                    cache.cluster(), Integer.MAX_VALUE);
        }
        return new Contract(contract.version(), cache.at(url, cacheCredentials),
                source, contract.tenants(), contract.check(), contract.namespaces());
    }

    private static String username(Credentials credentials) {
        return credentials == null ? null : credentials.username();
    }
}
