package io.sup.realtime.gateway.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.awaitility.Awaitility;

/**
 * A webhook receiver as an operator's push relay would run it: a real local HTTP server that
 * checks each request's {@code X-Sup-Signature} (HMAC-SHA256 over {@code "<t>.<body>"}, as
 * docs/API.md describes it), refuses a bad or stale one with 401, and keeps the bodies of the
 * good ones.
 */
final class PushReceiver implements AutoCloseable {
    static final String SECRET = "the-e2e-webhook-secret-of-32-bytes-or-more";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();

    PushReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/push", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/push";
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String signature = exchange.getRequestHeaders().getFirst("X-Sup-Signature");
        int status = verifies(signature, body) ? 200 : 401;
        if (status == 200) {
            accepted.add(JSON.readTree(body));
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private static boolean verifies(String header, byte[] body) {
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return false;
        }
        long t = Long.parseLong(header.substring(2, header.indexOf(',')));
        if (Math.abs(Instant.now().getEpochSecond() - t) > 300) {
            return false; // a replay, or a clock far off
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            String expected = HexFormat.of().formatHex(mac.doFinal(body));
            return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    header.substring(header.indexOf("v1=") + 3).getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first accepted push for {@code token}, waiting for it. */
    JsonNode await(String token) {
        return Awaitility.await("a push for the token").atMost(Duration.ofSeconds(30))
                .until(() -> accepted.stream().filter(p -> p.path("token").asText().equals(token)).findFirst(),
                        java.util.Optional::isPresent).orElseThrow();
    }

    /** How many accepted pushes were for {@code token}. */
    long received(String token) {
        return accepted.stream().filter(p -> p.path("token").asText().equals(token)).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
