package io.cachecheck.contract;

/**
 * Where a password comes from. Never inline: either an environment variable or a Secrets Manager secret.
 *
 * @param username     a plain user name (not a secret), or null
 * @param passwordEnv  name of the environment variable holding the password, or null
 * @param secretRef    Secrets Manager secret id/ARN: a JSON object with {@code username}/{@code password}, or a
 *                     plain string used as the password; or null
 */
public record Credentials(String username, String passwordEnv, String secretRef) {
    public static Credentials none() {
        return new Credentials(null, null, null);
    }
}
