package io.sup.realtime.notification.push.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;

import io.helidon.faulttolerance.Retry;
import io.helidon.faulttolerance.RetryTimeoutException;
import io.helidon.faulttolerance.Timeout;
import io.helidon.faulttolerance.TimeoutException;
import io.sup.realtime.notification.push.FullJitterBackoff;
import io.sup.realtime.notification.push.PushMessage;
import io.sup.realtime.notification.push.PushOutcome;
import io.sup.realtime.notification.push.PushProvider;

/**
 * The shipped push provider ({@value #NAME}): POSTs each push as JSON to the operator's relay
 * at {@link WebhookConfig#url()}, which forwards it to FCM, APNs or anything else (docs/API.md,
 * "Push", documents the body, the headers and how to answer).
 *
 * <p><b>Requests.</b> {@code Content-Type: application/json}; {@code X-Sup-Delivery: <pushId>},
 * the same on every attempt, so a receiver drops repeats; {@link WebhookSignature
 * X-Sup-Signature}, re-signed on every attempt with that attempt's time. The body is built once
 * per push and is the same bytes on every attempt ({@code sentAt} is the first attempt's time).
 *
 * <p><b>Answers.</b> 2xx: {@link PushOutcome.Delivered}. 404 or 410: {@link PushOutcome.TokenInvalid}
 * (FCM answers 404 {@code UNREGISTERED}, APNs 410 {@code Unregistered} for a dead token; a relay
 * passes those through). 408, 429, 5xx, connection and I/O errors and timeouts: retried. Any
 * other status (3xx, other 4xx): {@link PushOutcome.Failed} at once, not retried. After the last
 * attempt: {@code Failed} with what it ended with: {@code http <status>}, {@code timeout},
 * {@code connect refused}, {@code connect timeout}, {@code unknown host}, {@code tls error},
 * {@code io error} or {@code interrupted}, never the token or the URL.
 *
 * <p><b>Retries</b> are helidon-fault-tolerance's {@link Retry} with {@link FullJitterBackoff}
 * (exponential backoff with full jitter; {@link WebhookConfig#backoffPolicy()}). <b>Each
 * attempt</b> is bounded by helidon-fault-tolerance's {@link Timeout} on the sending thread
 * ({@code currentThread(true)}: at the deadline it interrupts the thread, and the JDK client's
 * {@code send} cancels the exchange when interrupted). Chosen over the JDK's
 * {@code HttpRequest.timeout}, which in JDK 25 stops once the answer's headers arrive (its timer
 * is cancelled then), so a receiver that answers headers and then stalls the body would hold the
 * attempt forever; the {@code Timeout} bounds connecting, sending and reading alike.
 *
 * <p>Thread-safe: one instance serves every push; {@link #send} blocks, call it on a virtual thread.
 */
public final class WebhookPushProvider implements PushProvider, AutoCloseable {
    /** The provider's name, a registration's {@code provider}. */
    public static final String NAME = "webhook";
    /** The header that names the push, the same on every attempt. */
    public static final String DELIVERY_HEADER = "X-Sup-Delivery";

    private final WebhookConfig config;
    private final WebhookSignature signature;
    private final HttpClient client;
    private final Clock clock;
    private final Retry retry;
    private final Timeout timeout;

    /** With its own HTTP client (closed by {@link #close}) and the system clock. */
    public WebhookPushProvider(WebhookConfig config) {
        this(config, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(), Clock.systemUTC());
    }

    /**
     * @param config its settings
     * @param client the HTTP client to send with (redirects should not be followed: a 3xx is
     *               a misconfigured URL and fails the push); closed by {@link #close}
     * @param clock  the time of {@code sentAt} and of each signature
     */
    public WebhookPushProvider(WebhookConfig config, HttpClient client, Clock clock) {
        this.config = config;
        this.signature = new WebhookSignature(config.secret());
        this.client = client;
        this.clock = clock;
        FullJitterBackoff backoff = config.backoffPolicy();
        this.retry = Retry.builder()
                .name("push-webhook")
                .retryPolicy(backoff)
                .applyOn(java.util.Set.of(Transient.class)) // anything else ends the push at once
                // Never the limit that stops it: every attempt is bounded and the policy ends them.
                .overallTimeout(config.timeout().multipliedBy(config.attempts())
                        .plusMillis(backoff.maxTotalDelayMillis()).plusSeconds(60))
                .build();
        this.timeout = Timeout.builder().name("push-webhook-attempt").timeout(config.timeout())
                .currentThread(true).build();
    }

    /** {@value #NAME}. */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * POSTs {@code message} to the webhook, retrying as the class describes; blocks until it ends
     * (at most about {@code attempts × timeout} plus the backoff).
     *
     * @return {@code Delivered}, {@code TokenInvalid} or {@code Failed}, with the attempts made; never throws
     */
    @Override
    public PushOutcome send(PushMessage message) {
        byte[] body = WebhookBody.of(message, clock.instant());
        AtomicInteger attempts = new AtomicInteger();
        try {
            Answer answer = retry.invoke(() -> attempt(message.pushId(), body, attempts));
            return switch (answer.kind()) {
                case DELIVERED -> new PushOutcome.Delivered(attempts.get());
                case TOKEN_INVALID -> new PushOutcome.TokenInvalid(attempts.get());
                case REFUSED -> new PushOutcome.Failed(attempts.get(), answer.error());
            };
        } catch (Transient last) {
            return new PushOutcome.Failed(attempts.get(), last.getMessage());
        } catch (RetryTimeoutException overall) {
            return new PushOutcome.Failed(attempts.get(), overall.lastRetryException() instanceof Transient t
                    ? t.getMessage() : "timeout");
        } catch (Interrupted e) {
            Thread.currentThread().interrupt();
            return new PushOutcome.Failed(attempts.get(), "interrupted");
        } catch (RuntimeException e) {
            if (e.getCause() instanceof InterruptedException) { // Retry's "Retries interrupted" while backing off
                Thread.currentThread().interrupt();
                return new PushOutcome.Failed(attempts.get(), "interrupted");
            }
            return new PushOutcome.Failed(Math.max(1, attempts.get()), "error: " + e.getClass().getSimpleName());
        }
    }

    /** Closes the HTTP client; pushes under way fail. */
    @Override
    public void close() {
        client.close();
    }

    /** One attempt: a terminal answer, or {@link Transient} for {@code Retry} to try again. */
    private Answer attempt(String pushId, byte[] body, AtomicInteger attempts) {
        attempts.incrementAndGet();
        long started = System.nanoTime();
        int status;
        try {
            status = timeout.invoke(() -> exchange(pushId, body));
        } catch (TimeoutException e) {
            throw new Transient("timeout");
        } catch (Interrupted e) {
            // The Timeout's own interrupt, when it wins the race with its bookkeeping, comes out
            // as ours: past the deadline it is the timeout; before it, someone else's (closing).
            if (System.nanoTime() - started >= config.timeout().toNanos()) {
                throw new Transient("timeout");
            }
            throw e;
        }
        if (status >= 200 && status < 300) {
            return new Answer(Kind.DELIVERED, "");
        }
        if (status == 404 || status == 410) {
            return new Answer(Kind.TOKEN_INVALID, "http " + status);
        }
        if (status == 408 || status == 429 || status >= 500) {
            throw new Transient("http " + status);
        }
        return new Answer(Kind.REFUSED, "http " + status);
    }

    /** Sends once, signed now; the status, or an exception naming what went wrong (never the URL). */
    private int exchange(String pushId, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(config.url())
                .header("Content-Type", "application/json")
                .header(DELIVERY_HEADER, pushId)
                .header(WebhookSignature.HEADER, signature.header(clock.instant().getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            throw new Interrupted(); // the Timeout's own interrupt, or someone else's: attempt() tells them apart
        } catch (HttpConnectTimeoutException e) {
            throw new Transient("connect timeout");
        } catch (HttpTimeoutException e) {
            throw new Transient("timeout");
        } catch (ConnectException e) {
            throw new Transient(e.getCause() instanceof UnresolvedAddressException ? "unknown host" : "connect refused");
        } catch (SSLException e) {
            throw new Transient("tls error");
        } catch (IOException e) {
            throw new Transient("io error");
        }
    }

    private enum Kind { DELIVERED, TOKEN_INVALID, REFUSED }

    private record Answer(Kind kind, String error) {
    }

    /** A failure another attempt may get past; its message is the push's error. */
    private static final class Transient extends RuntimeException {
        Transient(String error) {
            super(error, null, false, false);
        }
    }

    /** The sending thread was interrupted by someone other than the attempt's {@code Timeout}. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted", null, false, false);
        }
    }
}
