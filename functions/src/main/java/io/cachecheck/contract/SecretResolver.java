package io.cachecheck.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.error.ContractException;
import io.cachecheck.error.SdkErrors;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import java.util.function.Function;

/**
 * Resolves {@link Credentials} to a user name and password: from an environment variable, or from a Secrets Manager
 * secret (a JSON object with {@code username}/{@code password}, as RDS and ElastiCache write them, or a plain string).
 * Resolved secrets are held only as long as a connection is being opened and are never logged.
 */
public final class SecretResolver {
    private final Function<String, String> environment;
    private SecretsManagerClient secretsManager;

    private SecretResolver(Function<String, String> environment, SecretsManagerClient secretsManager) {
        this.environment = environment;
        this.secretsManager = secretsManager;
    }

    public static SecretResolver create() {
        return new SecretResolver(System::getenv, null);
    }

    public static SecretResolver withEnvironment(Function<String, String> environment) {
        return new SecretResolver(environment, null);
    }

    /** A user name and password; either may be null. */
    public record Resolved(String username, String password) { }

    public Resolved resolve(Credentials credentials, String path) {
        if (credentials == null) {
            return new Resolved(null, null);
        }
        if (credentials.passwordEnv() != null) {
            String password = environment.apply(credentials.passwordEnv());
            if (password == null) {
                throw new ContractException(path + ".passwordEnv: environment variable " + credentials.passwordEnv()
                        + " is not set; export it before running");
            }
            return new Resolved(credentials.username(), password);
        }
        if (credentials.secretRef() != null) {
            String secret;
            try {
                secret = secretsManager().getSecretValue(b -> b.secretId(credentials.secretRef())).secretString();
            } catch (SecretsManagerException e) {
                throw new ContractException(path + ".secretRef: secret " + credentials.secretRef() + " cannot be read ("
                        + SdkErrors.code(e) + "); check the ARN and that the function may read it", e);
            } catch (SdkClientException e) {
                // no credentials, no region, no network: the SDK's own message lists every provider it tried
                throw new ContractException(path + ".secretRef: secret " + credentials.secretRef() + " cannot be read ("
                        + clientProblem(e) + "); give AWS credentials and a region (AWS_REGION), or for a local run use "
                        + path + ".passwordEnv instead", e);
            }
            try {
                JsonNode json = new ObjectMapper().readTree(secret);
                if (json != null && json.isObject()) {
                    String user = json.hasNonNull("username") ? json.get("username").asText() : credentials.username();
                    String password = json.hasNonNull("password") ? json.get("password").asText() : null;
                    return new Resolved(credentials.username() != null ? credentials.username() : user, password);
                }
            } catch (java.io.IOException notJson) {
                // a plain-string secret is the password itself
            }
            return new Resolved(credentials.username(), secret);
        }
        return new Resolved(credentials.username(), null);
    }

    static String clientProblem(SdkClientException e) {
        return SdkErrors.brief(e);
    }

    /** For tests: a resolver with this Secrets Manager client. */
    static SecretResolver withClient(Function<String, String> environment, SecretsManagerClient client) {
        return new SecretResolver(environment, client);
    }

    private synchronized SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            secretsManager = SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }
        return secretsManager;
    }
}
