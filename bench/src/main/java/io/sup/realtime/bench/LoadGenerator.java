package io.sup.realtime.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.tools.Tokens;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Load generator: N connections in chats of G consecutive users (u0..), each sending R
 * message:new per second for T seconds after a warm-up, over the native protocol or Socket.IO.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Drives a messenger gateway (native /ws or Socket.IO) and reports connect, ack and delivery latency.")
public final class LoadGenerator implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--url", defaultValue = "http://127.0.0.1:3001", description = "Gateway base URL (http://host:port).")
    String url;
    @Option(names = "--protocol", defaultValue = "native", description = "native or socketio.")
    String protocol;
    @Option(names = "--connections", defaultValue = "100", description = "Connections (one user each: u0..uN-1).")
    int connections;
    @Option(names = "--group", defaultValue = "10", description = "Chat size G: users u[kG..kG+G-1] share chat <prefix>k.")
    int group;
    @Option(names = "--rate", defaultValue = "1", description = "Messages per second per client (may be fractional).")
    double rate;
    @Option(names = "--duration", defaultValue = "30", description = "Measured seconds.")
    int duration;
    @Option(names = "--warmup", defaultValue = "5", description = "Seconds of sending before measuring.")
    int warmup;
    @Option(names = "--drain", defaultValue = "5", description = "Seconds to wait for late acks and deliveries after sending stops.")
    int drain;
    @Option(names = "--secret", required = true, description = "HS256 JWT secret of the server.")
    String secret;
    @Option(names = "--chat-prefix", defaultValue = "bench-", description = "Chat id prefix.")
    String chatPrefix;
    @Option(names = "--user-prefix", defaultValue = "u", description = "User id prefix.")
    String userPrefix;
    @Option(names = "--create-chats-grpc", description = "host:port of messaging-service: create the chats via ChatAdminService first (existing ones are kept).")
    String createChatsGrpc;
    @Option(names = "--connect-concurrency", defaultValue = "200", description = "Handshakes in flight at once.")
    int connectConcurrency;
    @Option(names = "--connect-timeout", defaultValue = "10", description = "Seconds per connect+auth.")
    int connectTimeout;
    @Option(names = "--server-pid", description = "Server process id(s) whose RSS (VmRSS) is reported; repeatable.")
    List<Long> serverPids = new ArrayList<>();
    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        boolean socketio = switch (protocol) {
            case "native" -> false;
            case "socketio" -> true;
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--protocol must be native or socketio");
        };
        if (connections < 1 || group < 1 || rate <= 0 || duration < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "connections, group, duration >= 1; rate > 0; warmup >= 0");
        }
        if (createChatsGrpc != null) createChats();

        Run run = new Run(Long.toString(System.currentTimeMillis() % 100_000_000L, 36));
        Instant issuedAt = Instant.now();
        int maxMessages = (int) Math.ceil(rate * (warmup + duration)) + 4;
        BenchClient[] clients = new BenchClient[connections];
        long ttl = warmup + duration + drain + 3600;
        for (int i = 0; i < connections; i++) {
            String user = userPrefix + i;
            clients[i] = new BenchClient(i, user, chatPrefix + (i / group), socketio, Tokens.sign(secret, new Tokens.Claims(user, null, Duration.ofSeconds(ttl), null, null), issuedAt), run, maxMessages);
        }
        run.clients = clients;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("protocol", protocol);
        report.put("url", url);
        report.put("connections", connections);
        report.put("group", group);
        report.put("rate", rate);
        report.put("duration", duration);
        report.put("warmup", warmup);
        report.put("rssBeforeKb", rss());

        // ---- connect ----
        int cpus = Runtime.getRuntime().availableProcessors();
        ExecutorService wsExecutor = Executors.newFixedThreadPool(Math.max(2, cpus));
        int httpClients = Math.max(1, Math.min(cpus, (connections + 999) / 1000));
        HttpClient[] http = new HttpClient[httpClients];
        for (int i = 0; i < httpClients; i++) {
            http[i] = HttpClient.newBuilder().executor(wsExecutor).connectTimeout(Duration.ofSeconds(connectTimeout)).build();
        }
        Semaphore inFlight = new Semaphore(connectConcurrency);
        List<CompletableFuture<Long>> connects = new ArrayList<>(connections);
        long connectPhaseStart = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            inFlight.acquire();
            CompletableFuture<Long> f = clients[i].connect(http[i % httpClients], url, Duration.ofSeconds(connectTimeout));
            f.whenComplete((v, e) -> inFlight.release());
            connects.add(f);
        }
        int ok = 0;
        Map<String, Integer> failures = new LinkedHashMap<>();
        for (int i = 0; i < connections; i++) {
            try {
                long nanos = connects.get(i).get();
                run.connectLatency.recordValue(nanos / 1000);
                ok++;
            } catch (Exception e) {
                String why = clients[i].failure != null ? clients[i].failure : BenchClient.rootMessage(e);
                failures.merge(why.length() > 120 ? why.substring(0, 120) : why, 1, Integer::sum);
            }
        }
        double connectSeconds = (System.nanoTime() - connectPhaseStart) / 1e9;
        report.put("connectionsOk", ok);
        report.put("connectionsFailed", connections - ok);
        report.put("connectFailures", failures);
        report.put("connectPhaseSeconds", round(connectSeconds));
        report.put("connectRatePerSec", round(ok / connectSeconds));
        report.put("connectMs", percentiles(run.connectLatency, false));
        report.put("rssConnectedKb", rss());

        // ---- join ----
        List<BenchClient> live = new ArrayList<>();
        for (BenchClient c : clients) {
            if (c.connected.isDone() && !c.connected.isCompletedExceptionally()) {
                c.join();
                live.add(c);
            }
        }
        int joinFailed = 0;
        String joinError = null;
        for (BenchClient c : live) {
            boolean j;
            try {
                j = c.joined.get(connectTimeout, TimeUnit.SECONDS);
            } catch (Exception e) {
                j = false;
            }
            if (!j) {
                joinFailed++;
                if (joinError == null) joinError = c.failure;
            }
        }
        report.put("joinFailed", joinFailed);
        if (joinError != null) report.put("joinError", joinError);
        // Expected deliveries: the other connected members of the chat.
        Map<String, Integer> liveByChat = new java.util.HashMap<>();
        for (BenchClient c : live) liveByChat.merge(c.chatId, 1, Integer::sum);
        for (BenchClient c : live) c.expectedPerMessage = liveByChat.get(c.chatId) - 1;

        // ---- send ----
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(Math.max(2, cpus / 2));
        long periodNanos = (long) (1e9 / rate);
        long sendStart = System.nanoTime() + 200_000_000L;
        long measureStart = sendStart + warmup * 1_000_000_000L;
        long sendEnd = measureStart + duration * 1_000_000_000L;
        run.measureEndNanos = sendEnd;
        List<ScheduledFuture<?>> tasks = new ArrayList<>();
        for (BenchClient c : live) {
            long offset = sendStart - System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos);
            tasks.add(timer.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                if (now >= sendEnd) return;
                c.sendMessage(now >= measureStart);
            }, Math.max(0, offset), periodNanos, TimeUnit.NANOSECONDS));
        }
        for (long t = System.nanoTime(); t < sendEnd; t = System.nanoTime()) {
            Thread.sleep(Math.min(5_000L, (sendEnd - t) / 1_000_000 + 1));
            if (!json) {
                System.err.printf(Locale.ROOT, "  t=%.0fs acked=%d delivered=%d%n", (System.nanoTime() - sendStart) / 1e9,
                        run.acked.sum(), run.measuredDeliveries.sum());
            }
        }
        tasks.forEach(f -> f.cancel(false));
        timer.shutdown();
        long sentMeasured = 0;
        long expected = 0;
        for (BenchClient c : live) {
            for (int s = 0; s < c.sent; s++) {
                if (c.measured[s]) {
                    sentMeasured++;
                    expected += c.expectedPerMessage;
                }
            }
        }
        // ---- drain ----
        long drainEnd = System.nanoTime() + drain * 1_000_000_000L;
        while (System.nanoTime() < drainEnd
                && (run.measuredDeliveries.sum() < expected || run.acked.sum() + run.ackFailures.sum() < sentMeasured)) {
            Thread.sleep(50);
        }
        long received = 0;
        long lost = 0;
        long duplicates = 0;
        for (BenchClient c : live) {
            for (int s = 0; s < c.sent; s++) {
                if (!c.measured[s]) continue;
                int got = c.deliveries.get(s);
                received += Math.min(got, c.expectedPerMessage);
                lost += Math.max(0, c.expectedPerMessage - got);
                duplicates += Math.max(0, got - c.expectedPerMessage);
            }
        }
        report.put("sent", sentMeasured);
        report.put("acked", run.acked.sum());
        report.put("ackFailed", run.ackFailures.sum());
        if (run.lastAckError != null) report.put("lastAckError", run.lastAckError);
        report.put("ackMs", percentiles(run.ackLatency, true));
        report.put("deliveriesExpected", expected);
        report.put("deliveriesReceived", received);
        report.put("deliveriesLost", lost);
        report.put("deliveriesDuplicate", duplicates);
        report.put("deliveredPerSec", round(run.deliveriesInWindow.sum() / (double) duration));
        report.put("deliveryMs", percentiles(run.deliveryLatency, true));
        report.put("selfDeliveries", run.selfDeliveries.sum());
        report.put("errorEvents", run.errorEvents.sum());
        report.put("protocolErrors", run.protocolErrors.sum());
        report.put("unexpectedCloses", run.unexpectedCloses.sum());
        report.put("rssEndKb", rss());

        for (BenchClient c : clients) c.close();
        Thread.sleep(500);
        wsExecutor.shutdownNow();
        print(report);
        return 0;
    }

    private void createChats() throws InterruptedException {
        ManagedChannel channel = GrpcChannels.forTarget(createChatsGrpc);
        try {
            var stub = ChatAdminServiceGrpc.newBlockingStub(channel);
            int chats = (connections + group - 1) / group;
            int created = 0;
            int existing = 0;
            for (int k = 0; k < chats; k++) {
                CreateChatRequest.Builder req = CreateChatRequest.newBuilder().setId(chatPrefix + k).setTitle("bench " + k);
                for (int i = k * group; i < Math.min(connections, (k + 1) * group); i++) req.addMemberIds(userPrefix + i);
                try {
                    stub.withDeadlineAfter(10, TimeUnit.SECONDS).createChat(req.build());
                    created++;
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) existing++;
                    else throw e;
                }
            }
            System.err.printf(Locale.ROOT, "chats: %d created, %d already existed%n", created, existing);
        } finally {
            GrpcChannels.close(channel);
        }
    }

    private Map<String, Long> rss() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (long pid : serverPids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) out.put(Long.toString(pid), Long.parseLong(line.replaceAll("\\D", "")));
                }
            } catch (Exception e) {
                out.put(Long.toString(pid), -1L);
            }
        }
        return out;
    }

    private static Map<String, Object> percentiles(Histogram h, boolean withP90) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50", ms(h.getValueAtPercentile(50)));
        if (withP90) m.put("p90", ms(h.getValueAtPercentile(90)));
        m.put("p99", ms(h.getValueAtPercentile(99)));
        m.put("max", ms(h.getMaxValue()));
        return m;
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private void print(Map<String, Object> report) {
        if (json) {
            System.out.println(BenchClient.JSON.valueToTree(report).toString());
            return;
        }
        for (var e : report.entrySet()) {
            System.out.printf(Locale.ROOT, "%-22s %s%n", e.getKey(), e.getValue());
        }
    }
}
