package io.sup.realtime.notification.push.webhook;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import io.sup.realtime.notification.push.FullJitterBackoff;
import io.sup.realtime.platform.config.Settings;

/**
 * The webhook push provider's settings ({@code notification-service.yaml}, environment
 * overrides). Validated here, so a misconfigured service refuses to start with a message
 * naming the key.
 *
 * @param url        where pushes are POSTed ({@code NOTIF_WEBHOOK_URL}): an absolute {@code https}
 *                   (or {@code http}, e.g. a sidecar on loopback) URI with a host and no user info
 *                   (the JDK client would not send it; a query string such as {@code ?key=...} is
 *                   fine). Never logged, never in an error. Empty: no webhook provider
 * @param secret     the HMAC-SHA256 key of {@code X-Sup-Signature} ({@code NOTIF_WEBHOOK_SECRET}),
 *                   at least 32 bytes of UTF-8; shared with the receiver, never logged
 * @param timeout    the bound of one attempt: connecting, sending, the answer's headers and body
 *                   ({@code NOTIF_WEBHOOK_TIMEOUT_MS}, default 5 s)
 * @param attempts   most attempts per push, the first included ({@code NOTIF_WEBHOOK_ATTEMPTS},
 *                   default 5, 1-20)
 * @param backoff    the first retry's backoff ceiling ({@code NOTIF_WEBHOOK_BACKOFF_MS}, default 500 ms);
 *                   it doubles per retry
 * @param backoffMax the largest ceiling ({@code NOTIF_WEBHOOK_BACKOFF_MAX_MS}, default 30 s), at
 *                   least {@code backoff}; see {@link FullJitterBackoff}
 */
public record WebhookConfig(URI url, String secret, Duration timeout, int attempts, Duration backoff,
                            Duration backoffMax) {
    /** Fewest bytes of {@link #secret}: as many as the HMAC-SHA256 output (RFC 2104 section 3). */
    public static final int MIN_SECRET_BYTES = 32;
    /** Most attempts per push. */
    public static final int MAX_ATTEMPTS = 20;

    /**
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public WebhookConfig {
        String scheme = url == null || url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null) {
            throw bad("notif.webhook.url", "must be an absolute https:// or http:// URI with a host");
        }
        if (url.getRawUserInfo() != null) {
            throw bad("notif.webhook.url", "must not carry user info (user:password@): it would not be sent; "
                    + "receivers authenticate pushes by X-Sup-Signature");
        }
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw bad("notif.webhook.secret", "is needed with a webhook URL, at least " + MIN_SECRET_BYTES
                    + " bytes (e.g. openssl rand -hex 32)");
        }
        if (timeout.toMillis() < 1) {
            throw bad("notif.webhook.timeout.ms", "must be a positive number of milliseconds");
        }
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw bad("notif.webhook.attempts", "must be between 1 and " + MAX_ATTEMPTS);
        }
        if (backoff.toMillis() < 1) {
            throw bad("notif.webhook.backoff.ms", "must be a positive number of milliseconds");
        }
        if (backoffMax.compareTo(backoff) < 0) {
            throw bad("notif.webhook.backoff.max.ms", "must be at least notif.webhook.backoff.ms ("
                    + backoff.toMillis() + ")");
        }
    }

    /**
     * Reads the settings.
     *
     * @return empty when {@code notif.webhook.url} is empty: this deployment has no webhook provider
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public static Optional<WebhookConfig> from(Settings s) {
        String text = s.string("notif.webhook.url", "").trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        URI url;
        try {
            url = new URI(text);
        } catch (java.net.URISyntaxException malformed) {
            throw bad("notif.webhook.url", "is not a URI"); // the value is not repeated: it may hold a key
        }
        return Optional.of(new WebhookConfig(url, s.string("notif.webhook.secret", ""),
                s.millis("notif.webhook.timeout.ms"),
                s.intInRange("notif.webhook.attempts", 1, MAX_ATTEMPTS),
                s.millis("notif.webhook.backoff.ms"),
                s.millis("notif.webhook.backoff.max.ms")));
    }

    /** The retry schedule these settings give: {@code attempts}, doubling from {@code backoff} to {@code backoffMax}. */
    public FullJitterBackoff backoffPolicy() {
        return new FullJitterBackoff(attempts, backoff, backoffMax);
    }

    /** Without the secret and with the URL cut to scheme, host and port (its path or query may hold a key). */
    @Override
    public String toString() {
        return "WebhookConfig[url=" + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + "/..., timeout=" + timeout + ", attempts=" + attempts + ", backoff=" + backoff
                + ", backoffMax=" + backoffMax + "]";
    }

    private static IllegalArgumentException bad(String key, String why) {
        return new IllegalArgumentException("configuration '" + key + "' (env "
                + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_') + ") " + why);
    }
}
