package repro;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Opens N WebSocket connections to the echo server, sends one text frame on each and waits for
 * its echo, then leaves them all idle for HOLD seconds and reports the server's heap (after a
 * full GC) and RSS per connection: (after - before) / N.
 * <p>
 * Arguments: {@code host:port N HOLD_SECONDS}.
 */
public final class IdleClients {
    private IdleClients() {
    }

    public static void main(String[] args) throws Exception {
        String hostPort = args.length > 0 ? args[0] : "localhost:8099";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int holdSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        HttpClient http = HttpClient.newHttpClient();
        URI statsUri = URI.create("http://" + hostPort + "/stats");
        URI wsUri = URI.create("ws://" + hostPort + "/echo");

        Map<String, Long> before = stats(http, statsUri);
        System.out.println("before: " + before);

        Semaphore inFlight = new Semaphore(200);
        List<WebSocket> sockets = new ArrayList<>(n);
        List<CompletableFuture<Void>> echoes = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            CompletableFuture<Void> echoed = new CompletableFuture<>();
            echoed.whenComplete((v, e) -> inFlight.release());
            echoes.add(echoed);
            String text = "hello " + i;
            http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(wsUri, new OneEcho(echoed))
                    .whenComplete((ws, e) -> {
                        if (e != null) {
                            echoed.completeExceptionally(e);
                        } else {
                            synchronized (sockets) {
                                sockets.add(ws);
                            }
                            ws.sendText(text, true);
                        }
                    });
        }
        CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        System.out.printf("%d connections open and echoed in %.1f s; holding %d s%n",
                n, (System.nanoTime() - start) / 1e9, holdSeconds);
        Thread.sleep(holdSeconds * 1000L);

        Map<String, Long> after = stats(http, statsUri);
        System.out.println("after:  " + after);
        long open = after.get("open") - before.get("open");
        System.out.println("open connections on the server: " + after.get("open"));
        for (String key : List.of("heapUsed", "heapCommitted", "rss")) {
            System.out.printf("%s per connection: %.1f KB%n", key,
                    (after.get(key) - before.get(key)) / 1024.0 / Math.max(1, open));
        }
        for (WebSocket ws : sockets) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
        Thread.sleep(1000);
    }

    private static Map<String, Long> stats(HttpClient http, URI uri) throws Exception {
        String body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Long> values = new HashMap<>();
        for (String line : body.split("\n")) {
            String[] kv = line.split("=", 2);
            values.put(kv[0], Long.parseLong(kv[1].trim()));
        }
        return values;
    }

    private static final class OneEcho implements WebSocket.Listener {
        private final CompletableFuture<Void> echoed;

        OneEcho(CompletableFuture<Void> echoed) {
            this.echoed = echoed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            echoed.complete(null);
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            echoed.completeExceptionally(error);
        }
    }
}
