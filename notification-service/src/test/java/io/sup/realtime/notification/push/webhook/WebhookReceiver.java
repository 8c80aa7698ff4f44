package io.sup.realtime.notification.push.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP receiver of webhook pushes on an ephemeral loopback port (the JDK's
 * {@code com.sun.net.httpserver}), each request on a virtual thread. It records every request
 * as it arrives and answers the n-th with {@code statusOfAttempt(n)}; a holding receiver keeps
 * each request open until {@link #release()} (or never answers, for timeouts).
 *
 * <p>{@link #signatureVerifies} is a receiver's verification, written from the documented
 * recipe and independent of the code under test.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final Pattern SIGNATURE = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})");

    /**
     * One request as it arrived.
     *
     * @param receivedAt when it arrived
     * @param method     the HTTP method
     * @param delivery   {@code X-Sup-Delivery}
     * @param signature  {@code X-Sup-Signature}
     * @param contentType {@code Content-Type}
     * @param body       the raw body
     */
    public record Request(Instant receivedAt, String method, String delivery, String signature, String contentType,
                          byte[] body) {
        /** The {@code t} of its signature, in unix seconds. */
        public long signedAt() {
            Matcher m = SIGNATURE.matcher(signature);
            if (!m.matches()) {
                throw new AssertionError("malformed X-Sup-Signature: " + signature);
            }
            return Long.parseLong(m.group(1));
        }

        /** The body as text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final IntUnaryOperator statusOfAttempt;
    private final boolean hold;
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger arrived = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private WebhookReceiver(IntUnaryOperator statusOfAttempt, boolean hold) throws IOException {
        this.statusOfAttempt = statusOfAttempt;
        this.hold = hold;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/push", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Answers the n-th request (1 for the first) with {@code statusOfAttempt.applyAsInt(n)}, at once. */
    public static WebhookReceiver answering(IntUnaryOperator statusOfAttempt) {
        return start(statusOfAttempt, false);
    }

    /** Keeps every request open until {@link #release()}, then answers as {@link #answering} would. */
    public static WebhookReceiver holding(IntUnaryOperator statusOfAttempt) {
        return start(statusOfAttempt, true);
    }

    private static WebhookReceiver start(IntUnaryOperator statusOfAttempt, boolean hold) {
        try {
            return new WebhookReceiver(statusOfAttempt, hold);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where to POST, with a query string standing in for a relay's key. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/push?key=relay-key-42");
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests being handled now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most requests that were being handled at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Lets held requests be answered. */
    public void release() {
        released.countDown();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            var h = exchange.getRequestHeaders();
            int attempt = arrived.incrementAndGet();
            requests.add(new Request(Instant.now(), exchange.getRequestMethod(), h.getFirst("X-Sup-Delivery"),
                    h.getFirst("X-Sup-Signature"), h.getFirst("Content-Type"), body));
            if (hold) {
                released.await();
            }
            exchange.sendResponseHeaders(statusOfAttempt.applyAsInt(attempt), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // the sender timed out and closed the connection
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * A receiver's check, as docs/API.md describes it: split {@code t} and {@code v1} off the
     * header, recompute {@code HMAC-SHA256(secret, t + "." + body)} in lowercase hex, compare in
     * constant time.
     */
    public static boolean signatureVerifies(String secret, String header, byte[] body) {
        Matcher m = SIGNATURE.matcher(header);
        if (!m.matches()) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((m.group(1) + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, m.group(2).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
