package io.warmpool.server.http;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * The token a session's CDP WebSocket needs: {@code <tenant>.<HMAC-SHA256(secret, tenant/sessionId)>}. Derived, not
 * stored, so it survives a gateway restart as long as the secret does. Thread-safe.
 */
final class SessionTokens {
    private final byte[] secret;

    SessionTokens(byte[] secret) {
        this.secret = secret.clone();
    }

    String token(String tenant, String sessionId) {
        return tenant + "." + mac(tenant + "/" + sessionId);
    }

    /** The tenant whose token this is for {@code sessionId}, or empty when it is not a valid token for it. */
    Optional<String> verify(String token, String sessionId) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String tenant = token.substring(0, dot);
        byte[] expected = mac(tenant + "/" + sessionId).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? Optional.of(tenant) : Optional.empty();
    }

    private String mac(String value) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] raw = hmac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
