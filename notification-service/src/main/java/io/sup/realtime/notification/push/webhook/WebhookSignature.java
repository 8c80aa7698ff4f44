package io.sup.realtime.notification.push.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Sup-Signature} header of a webhook push:
 * {@code t=<unix seconds>,v1=<lowercase hex HMAC-SHA256(secret, "<t>.<raw body>")>}.
 *
 * <p>The scheme is Stripe's ({@code Stripe-Signature}, see
 * <a href="https://docs.stripe.com/webhooks#verify-manually">docs.stripe.com/webhooks#verify-manually</a>):
 * the signed text is the timestamp, a full stop and the body's exact bytes, so a receiver
 * recomputes it before parsing anything, compares in constant time, and refuses a timestamp
 * older than its tolerance (a replayed request). HMAC is RFC 2104
 * (<a href="https://www.rfc-editor.org/rfc/rfc2104">rfc-editor.org/rfc/rfc2104</a>) over
 * SHA-256; the key is the secret's UTF-8 bytes. Every attempt of a push is signed afresh with
 * its own timestamp. The verification recipe is in docs/API.md, "Push".
 *
 * <p>Thread-safe.
 */
public final class WebhookSignature {
    /** The HTTP header it goes in. */
    public static final String HEADER = "X-Sup-Signature";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    /** @param secret the shared secret ({@link WebhookConfig#secret()}); its UTF-8 bytes are the HMAC key */
    public WebhookSignature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /**
     * The header value for {@code body} sent at {@code unixSeconds}.
     *
     * @param unixSeconds the attempt's time, whole seconds since 1970-01-01T00:00:00Z
     * @param body        the request body, exactly as sent
     * @return e.g. {@code t=1764612345,v1=5f0c...} (64 hex digits after {@code v1=})
     */
    public String header(long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(unixSeconds, body));
    }

    private byte[] hmac(long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM); // a Mac is not thread-safe: one per signature
            mac.init(key);
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
