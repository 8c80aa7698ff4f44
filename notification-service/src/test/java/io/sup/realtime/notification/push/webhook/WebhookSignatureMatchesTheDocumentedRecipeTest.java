package io.sup.realtime.notification.push.webhook;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worked example of docs/API.md, "Push": the same secret, time and body give the value the
 * page prints (which {@code openssl dgst -sha256 -hmac} and Python's {@code hmac} give too).
 */
class WebhookSignatureMatchesTheDocumentedRecipeTest {
    private static final String SECRET = "whsec_3f9a6c1e8b2d4f7a0c5e9b1d3f6a8c2e";
    private static final byte[] BODY = "{\"id\":\"push-1\",\"userId\":\"ann\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theDocumentedExampleSignsToTheDocumentedValue() {
        assertEquals("t=1764612345,v1=82b96c09333748e45d8e65c82363b1241fab81bcdfab73520830155132ec039e",
                new WebhookSignature(SECRET).header(1764612345L, BODY));
    }

    @Test
    void theTimeIsPartOfWhatIsSigned() {
        WebhookSignature signature = new WebhookSignature(SECRET);
        String v1At = signature.header(1764612345L, BODY).split(",v1=")[1];
        String v1Later = signature.header(1764612346L, BODY).split(",v1=")[1];
        assertNotEquals(v1At, v1Later, "a replay cannot move its t without breaking v1");
        assertTrue(WebhookReceiver.signatureVerifies(SECRET, signature.header(1764612346L, BODY), BODY));
    }
}
