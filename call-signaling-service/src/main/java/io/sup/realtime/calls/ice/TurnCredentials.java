package io.sup.realtime.calls.ice;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials from a secret shared with the TURN server, so clients never
 * hold the secret: the scheme of "A REST API For Access To TURN Services"
 * (draft-uberti-behave-turn-rest-00, section 2.2), which coturn implements as
 * {@code use-auth-secret} / {@code static-auth-secret}:
 * <ul>
 *   <li>username = {@code <expiry>:<user id>}, the expiry in Unix seconds: the TURN server
 *       refuses the credential after it;</li>
 *   <li>credential = base64(HMAC-SHA1(secret, username)), which the server recomputes.</li>
 * </ul>
 */
public final class TurnCredentials {
    private static final String HMAC_SHA1 = "HmacSHA1";

    private final SecretKeySpec key;

    /** @param secret the secret shared with the TURN server, at least 16 bytes */
    public TurnCredentials(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 16) {
            throw new IllegalArgumentException("the TURN secret must hold at least 16 bytes");
        }
        this.key = new SecretKeySpec(bytes, HMAC_SHA1);
    }

    /** A username and credential for {@code userId}, valid until {@code expiry} (to the second). */
    public Minted mint(String userId, Instant expiry) {
        String username = expiry.getEpochSecond() + ":" + userId;
        try {
            Mac mac = Mac.getInstance(HMAC_SHA1);
            mac.init(key);
            return new Minted(username, Base64.getEncoder().encodeToString(
                    mac.doFinal(username.getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java platform has HmacSHA1", e);
        }
    }

    /**
     * One minted pair.
     *
     * @param username   {@code <expiry>:<user id>}
     * @param credential base64 HMAC-SHA1 of the username
     */
    public record Minted(String username, String credential) {
    }
}
