package io.cachecheck.redact;

/**
 * Whether keys are redacted in outputs, and where the HMAC key comes from.
 *
 * @param enabled   redact keys (default false)
 * @param keyEnv    name of an environment variable holding the HMAC key; or null
 * @param secretRef Secrets Manager secret id/ARN holding the HMAC key (a plain string, or JSON with a
 *                  {@code password} field); or null. One of keyEnv and secretRef is required when enabled.
 */
public record RedactionSettings(boolean enabled, String keyEnv, String secretRef) {
    public static RedactionSettings disabled() {
        return new RedactionSettings(false, null, null);
    }
}
