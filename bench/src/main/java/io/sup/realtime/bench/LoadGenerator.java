package io.sup.realtime.bench;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Load generator: N connections in chats of G consecutive users (u0..), over the native
 * protocol or Socket.IO. Modes: {@code load} (each client sends R message:new per second for
 * T seconds after a warm-up), {@code ramp} (the same connections, the rate raised step by step
 * until delivery p99 passes a bound or anything is lost), {@code idle} (connections held open
 * with heartbeats only; server memory per connection).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Drives a messenger gateway (native /ws or Socket.IO) and reports connect, ack and delivery latency, or idle memory per connection.")
public final class LoadGenerator implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--mode", defaultValue = "load", description = "load (default), ramp, idle, rtt (one client, sequential sends, each waiting for its ack) or setup (only --create-chats-grpc).")
    String mode;
    @Option(names = "--url", defaultValue = "http://127.0.0.1:3001", description = "Gateway base URL (http://host:port).")
    String url;
    @Option(names = "--protocol", defaultValue = "native", description = "native or socketio.")
    String protocol;
    @Option(names = "--connections", defaultValue = "100", description = "Connections (one user each: u0..uN-1).")
    int connections;
    @Option(names = "--group", defaultValue = "10", description = "Chat size G: users u[kG..kG+G-1] share chat <prefix>k.")
    int group;
    @Option(names = "--rate", defaultValue = "1", description = "Messages per second per client (may be fractional); ramp: the first step's rate.")
    double rate;
    @Option(names = "--duration", defaultValue = "30", description = "load: measured seconds.")
    int duration;
    @Option(names = "--warmup", defaultValue = "5", description = "load: seconds of sending before measuring.")
    int warmup;
    @Option(names = "--drain", defaultValue = "5", description = "Seconds to wait for late acks and deliveries after sending stops (load, and after each ramp step).")
    int drain;
    @Option(names = "--secret", required = true, description = "HS256 JWT secret of the server.")
    String secret;
    @Option(names = "--chat-prefix", defaultValue = "bench-", description = "Chat id prefix.")
    String chatPrefix;
    @Option(names = "--user-prefix", defaultValue = "u", description = "User id prefix.")
    String userPrefix;
    @Option(names = "--create-chats-grpc", description = "host:port of messaging-service: create the chats via ChatAdminService first (existing ones are kept).")
    String createChatsGrpc;
    @Option(names = "--no-join", description = "Skip the chat:join each client sends after connecting (the peer needs it to deliver).")
    boolean noJoin;
    @Option(names = "--connect-concurrency", defaultValue = "200", description = "Handshakes in flight at once.")
    int connectConcurrency;
    @Option(names = "--connect-timeout", defaultValue = "10", description = "Seconds per connect+auth.")
    int connectTimeout;
    @Option(names = "--give-up-after", defaultValue = "0", description = "Stop starting connects once this many have failed (0 = never); the rest count as failed, not attempted.")
    int giveUpAfter;
    @Option(names = "--source-addresses", split = ",", description = "Local addresses to connect from, e.g. 127.0.0.1,127.0.0.2 (one address has ~28k ephemeral ports); connections are spread round-robin.")
    List<String> sourceAddresses = new ArrayList<>();
    @Option(names = "--source-address-count", defaultValue = "0", description = "Shorthand: connect from 127.0.0.1 .. 127.0.0.K (all loopback on Linux).")
    int sourceAddressCount;
    @Option(names = "--http-clients-per-address", defaultValue = "0", description = "HttpClients (one selector thread each) per source address; 0 = max(1, min(cpus, ceil(n/1000))).")
    int httpClientsPerAddress;
    @Option(names = "--server-pid", description = "Server process to watch, as pid or name=pid (VmRSS, CPU; a local server only); repeatable.")
    List<String> serverPids = new ArrayList<>();
    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;
    @Option(names = "--user-offset", defaultValue = "0", description = "First user number: clients are u<offset>..; chat k is <prefix>k for users kG..kG+G-1 as before.")
    int userOffset;

    // ---- idle ----
    @Option(names = "--hold", defaultValue = "60", description = "idle: seconds to hold the connections open after they are up.")
    int hold;
    @Option(names = "--settle", defaultValue = "5", description = "idle: seconds between the last connect and the memory reading.")
    int settle;
    @Option(names = "--server-jcmd", description = "idle: on each Java server pid run jcmd GC.run before connecting and after the connections are up, and report RSS and heap (GC.heap_info) per connection after GC too.")
    boolean serverJcmd;
    @Option(names = "--histogram-dir", description = "idle with --server-jcmd: write the top 40 lines of jcmd GC.class_histogram of each Java server here.")
    Path histogramDir;
    @Option(names = "--processes", defaultValue = "1", description = "idle: spread the connections over this many generator JVMs (each holds whole chats), "
            + "for when one process may not open enough sockets (ulimit -n).")
    int processes;
    @Option(names = "--worker-heap", defaultValue = "", description = "idle with --processes: -Xmx of each worker JVM (default: this JVM's options).")
    String workerHeap;
    @Option(names = "--worker", hidden = true, description = "Internal: run as a worker of --processes.")
    boolean worker;

    // ---- ramp ----
    @Option(names = "--ramp-factor", defaultValue = "1.25", description = "ramp: each step's rate is the previous one times this.")
    double rampFactor;
    @Option(names = "--ramp-step", defaultValue = "0", description = "ramp: add this to the rate per step instead of multiplying.")
    double rampStep;
    @Option(names = "--step-duration", defaultValue = "10", description = "ramp: measured seconds per step.")
    int stepDuration;
    @Option(names = "--step-settle", defaultValue = "2", description = "ramp: unmeasured seconds at the new rate before each step is measured.")
    int stepSettle;
    @Option(names = "--p99-bound", defaultValue = "50", description = "ramp: a step passes while delivery p99 <= this (ms) and nothing is lost.")
    double p99Bound;
    @Option(names = "--max-rate", defaultValue = "0", description = "ramp: stop before a step would exceed this rate per client (0 = no limit).")
    double maxRate;
    @Option(names = "--max-steps", defaultValue = "30", description = "ramp: at most this many steps.")
    int maxSteps;

    // ---- rtt ----
    @Option(names = "--rtt-count", defaultValue = "4000", description = "rtt: messages sent one after another (each waits for its ack); the later half is measured.")
    int rttCount;
    @Option(names = "--rtt-timeout", defaultValue = "10", description = "rtt: seconds to wait for one ack before counting it missing and sending the next.")
    int rttTimeout;

    /** A delivery later than this (microseconds) after its send counts as late (it still counts as received). */
    static final long LATE_MICROS = 1_000_000L;

    private final int cpus = Runtime.getRuntime().availableProcessors();
    private ServerProbe probe;
    private ScheduledExecutorService timer;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = new CommandLine(this);
        boolean socketio = switch (protocol) {
            case "native" -> false;
            case "socketio" -> true;
            default -> throw new CommandLine.ParameterException(cl, "--protocol must be native or socketio");
        };
        if (!List.of("load", "ramp", "idle", "rtt", "setup").contains(mode)) {
            throw new CommandLine.ParameterException(cl, "--mode must be load, ramp, idle, rtt or setup");
        }
        if (mode.equals("rtt")) {
            connections = 1; // one client; its chat is created with it alone
            if (rttCount < 2) throw new CommandLine.ParameterException(cl, "--rtt-count must be >= 2");
        }
        if (connections < 1 || group < 1 || rate <= 0 || duration < 1 || warmup < 0 || hold < 0 || settle < 0
                || stepDuration < 1 || stepSettle < 0 || rampFactor < 1 || rampStep < 0 || (rampFactor == 1 && rampStep == 0)) {
            throw new CommandLine.ParameterException(cl, "connections, group, duration, step-duration >= 1; rate > 0; warmup, hold, settle >= 0; "
                    + "ramp-factor > 1 or ramp-step > 0");
        }
        List<InetAddress> sources = sources(cl);
        if (processes > 1) return idleCoordinator(cl, sources);
        probe = new ServerProbe(worker ? List.of() : serverPids);
        if (createChatsGrpc != null) createChats();
        if (mode.equals("setup")) {
            if (createChatsGrpc == null) throw new CommandLine.ParameterException(cl, "--mode setup needs --create-chats-grpc");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("mode", mode);
            r.put("connections", connections);
            r.put("group", group);
            r.put("chats", (connections + group - 1) / group);
            print(r);
            return 0;
        }

        Runs runs = new Runs();
        String base = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        Run first = new Run(base, 0, connections); // load: the run; ramp and idle: the connect phase
        runs.start(first);
        long generatorHeapBefore = mode.equals("idle") ? usedHeapAfterGc() : 0;
        Instant issuedAt = Instant.now();
        BenchClient[] clients = new BenchClient[connections];
        for (int i = 0; i < connections; i++) {
            String user = userPrefix + (userOffset + i);
            String token = Tokens.sign(secret, new Tokens.Claims(user, null, Duration.ofDays(2), null, null), issuedAt);
            clients[i] = new BenchClient(i, user, chatPrefix + ((userOffset + i) / group), socketio, token, runs);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", mode);
        report.put("generator", "java-bench");
        report.put("protocol", protocol);
        report.put("url", url);
        report.put("connections", connections);
        report.put("group", group);
        switch (mode) {
            case "load" -> {
                report.put("rate", rate);
                report.put("duration", duration);
                report.put("warmup", warmup);
            }
            case "rtt" -> report.put("rttCount", rttCount);
            case "ramp" -> {
                report.put("rate", rate);
                report.put("rampFactor", rampStep > 0 ? null : rampFactor);
                report.put("rampStep", rampStep > 0 ? rampStep : null);
                report.put("stepDuration", stepDuration);
                report.put("stepSettle", stepSettle);
                report.put("p99BoundMs", p99Bound);
                report.put("maxRate", maxRate > 0 ? maxRate : null);
            }
            default -> {
                report.put("hold", hold);
                report.put("settle", settle);
            }
        }
        report.put("sourceAddresses", sources.stream().filter(a -> a != null).map(InetAddress::getHostAddress).toList());
        report.put("serverNames", probe.names);
        report.put("rssBeforeKb", probe.rss());
        Map<String, Long> rssBeforeGc = null;
        Map<String, Long> heapBefore = null;
        if (mode.equals("idle") && serverJcmd) {
            // The same baseline as after connecting: a full GC first, so "after GC" compares like with like.
            gcAll();
            rssBeforeGc = probe.rss();
            heapBefore = heapAll();
            report.put("rssBeforeGcKb", rssBeforeGc);
            report.put("heapBeforeGcKb", heapBefore);
        }

        // ---- connect ----
        ExecutorService wsExecutor = Executors.newFixedThreadPool(Math.max(2, cpus));
        HttpClient[][] http = httpClients(sources, wsExecutor);
        report.put("httpClients", sources.size() * http[0].length);
        Map<String, Double> connectCpu0 = probe.cpuSeconds();
        connect(clients, http, first, report);
        if (!mode.equals("idle")) report.put("rssConnectedKb", probe.rss());

        // ---- join ----
        List<BenchClient> live = new ArrayList<>();
        for (BenchClient c : clients) {
            if (c.connected.isDone() && !c.connected.isCompletedExceptionally()) live.add(c);
        }
        if (!noJoin) joinAll(live, report);
        else report.put("joinFailed", 0);
        report.put("connectPhaseServerCpuSeconds", cpuSpent(probe, connectCpu0, probe.cpuSeconds()));
        Map<String, Integer> liveByChat = new HashMap<>();
        for (BenchClient c : live) liveByChat.merge(c.chatId, 1, Integer::sum);

        timer = Executors.newScheduledThreadPool(Math.max(2, cpus / 2));
        int exit = switch (mode) {
            case "load" -> {
                int maxMessages = (int) Math.ceil(rate * (warmup + duration)) + 4;
                first.allocate(live, maxMessages, liveByChat);
                Window window = new Window();
                send(live, first, rate, warmup, duration, window);
                report.putAll(drainAndTally(live, first, duration));
                window.report(report, ((Number) report.get("deliveriesInWindow")).longValue());
                report.put("rssEndKb", probe.rss());
                yield 0;
            }
            case "rtt" -> rtt(live, first, liveByChat, report);
            case "ramp" -> ramp(live, liveByChat, runs, base, report);
            default -> worker ? workerLoop(clients, live, runs, base, report, generatorHeapBefore)
                    : idle(clients, live, runs, base, report, rssBeforeGc, heapBefore, generatorHeapBefore);
        };
        timer.shutdownNow();

        for (BenchClient c : clients) c.close();
        Thread.sleep(500);
        wsExecutor.shutdownNow();
        if (!worker) print(report);
        return exit;
    }

    // ------------------------------------------------------------------ connect

    private List<InetAddress> sources(CommandLine cl) throws Exception {
        List<InetAddress> out = new ArrayList<>();
        for (String a : sourceAddresses) {
            if (!a.isBlank()) out.add(InetAddress.getByName(a.trim()));
        }
        if (sourceAddressCount > 0) {
            if (!out.isEmpty() || sourceAddressCount > 254) {
                throw new CommandLine.ParameterException(cl, "--source-address-count is 1..254 and excludes --source-addresses");
            }
            for (int i = 1; i <= sourceAddressCount; i++) out.add(InetAddress.getByName("127.0.0." + i));
        }
        if (out.isEmpty()) out.add(null); // the system's choice
        return out;
    }

    /** http[a][k]: the k-th HttpClient bound to source address a. */
    private HttpClient[][] httpClients(List<InetAddress> sources, ExecutorService executor) {
        int perAddress = (connections + sources.size() - 1) / sources.size();
        int k = httpClientsPerAddress > 0 ? httpClientsPerAddress : Math.max(1, Math.min(cpus, (perAddress + 999) / 1000));
        HttpClient[][] http = new HttpClient[sources.size()][k];
        for (int a = 0; a < sources.size(); a++) {
            for (int j = 0; j < k; j++) {
                HttpClient.Builder b = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(connectTimeout));
                if (sources.get(a) != null) b.localAddress(sources.get(a));
                http[a][j] = b.build();
            }
        }
        return http;
    }

    private void connect(BenchClient[] clients, HttpClient[][] http, Run run, Map<String, Object> report) throws InterruptedException {
        Semaphore inFlight = new Semaphore(connectConcurrency);
        List<CompletableFuture<Long>> connects = new ArrayList<>(connections);
        int addresses = http.length;
        java.util.concurrent.atomic.AtomicInteger failedSoFar = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        long nextProgress = start + 5_000_000_000L;
        for (int i = 0; i < connections; i++) {
            inFlight.acquire();
            if (giveUpAfter > 0 && failedSoFar.get() >= giveUpAfter) {
                inFlight.release();
                System.err.printf(Locale.ROOT, "  connecting: gave up after %d failed connects; %d not attempted%n", failedSoFar.get(), connections - i);
                break;
            }
            HttpClient client = http[i % addresses][(i / addresses) % http[0].length];
            CompletableFuture<Long> f = clients[i].connect(client, url, Duration.ofSeconds(connectTimeout));
            f.whenComplete((v, e) -> {
                if (e != null) failedSoFar.incrementAndGet();
                inFlight.release();
            });
            connects.add(f);
            if (System.nanoTime() > nextProgress) {
                nextProgress += 5_000_000_000L;
                System.err.printf(Locale.ROOT, "  connecting: %d started, %d failed, t=%.0fs%n", i + 1, failedSoFar.get(),
                        (System.nanoTime() - start) / 1e9);
            }
        }
        int ok = 0;
        Map<String, Integer> failures = new LinkedHashMap<>();
        if (connects.size() < connections) {
            failures.put("not attempted: gave up after " + giveUpAfter + " failed connects", connections - connects.size());
        }
        for (int i = 0; i < connects.size(); i++) {
            try {
                long nanos = connects.get(i).get();
                run.connectLatency.recordValue(nanos / 1000);
                ok++;
            } catch (Exception e) {
                String why = clients[i].failure != null ? clients[i].failure : BenchClient.rootMessage(e);
                failures.merge(why.length() > 120 ? why.substring(0, 120) : why, 1, Integer::sum);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        report.put("connectionsOk", ok);
        report.put("connectionsFailed", connections - ok);
        report.put("connectFailures", failures);
        report.put("connectPhaseSeconds", round(seconds));
        report.put("connectRatePerSec", round(ok / seconds));
        report.put("connectMs", percentiles(run.connectLatency, false));
    }

    /**
     * CPU seconds (utime + stime) each server process spent between two readings, by its name
     * ({@code serverNames}), and their {@code total}: where a phase's work went. A process that
     * could not be read (gone) is left out.
     */
    private static Map<String, Double> cpuSpent(ServerProbe probe, Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> spent = new LinkedHashMap<>();
        double total = 0;
        for (var e : after.entrySet()) {
            Double b = before.get(e.getKey());
            if (b == null || b < 0 || e.getValue() < 0) {
                continue;
            }
            double d = e.getValue() - b;
            spent.put(probe.names.getOrDefault(e.getKey(), e.getKey()), round(d));
            total += d;
        }
        spent.put("total", round(total));
        return spent;
    }

    private void joinAll(List<BenchClient> live, Map<String, Object> report) {
        int done = 0;
        for (BenchClient c : live) {
            c.join();
            if (++done % connectConcurrency == 0) { // keep the joins in flight bounded, like the connects
                try {
                    c.joined.get(connectTimeout, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // counted below
                }
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
    }

    // ------------------------------------------------------------------ sending

    /** Sends at rate per client: warmupSec unmeasured, then durationSec measured, into run. */
    private void send(List<BenchClient> live, Run run, double perClientRate, int warmupSec, int durationSec) throws InterruptedException {
        send(live, run, perClientRate, warmupSec, durationSec, null);
    }

    /** As above; with a window, server CPU and RSS are read over the measured seconds. */
    private void send(List<BenchClient> live, Run run, double perClientRate, int warmupSec, int durationSec, Window window)
            throws InterruptedException {
        long periodNanos = (long) (1e9 / perClientRate);
        long sendStart = System.nanoTime() + 200_000_000L;
        long measureStart = sendStart + warmupSec * 1_000_000_000L;
        long sendEnd = measureStart + durationSec * 1_000_000_000L;
        run.measureEndNanos = sendEnd;
        List<ScheduledFuture<?>> tasks = new ArrayList<>(live.size());
        for (BenchClient c : live) {
            long offset = sendStart - System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos);
            tasks.add(timer.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                if (now >= sendEnd) return;
                c.sendMessage(run, now >= measureStart);
            }, Math.max(0, offset), periodNanos, TimeUnit.NANOSECONDS));
        }
        List<ScheduledFuture<?>> probes = new ArrayList<>();
        if (window != null) {
            long toMeasure = Math.max(0, measureStart - System.nanoTime());
            probes.add(timer.schedule(window::begin, toMeasure, TimeUnit.NANOSECONDS));
            probes.add(timer.scheduleAtFixedRate(window::sampleRss, toMeasure + 250_000_000L, 500_000_000L, TimeUnit.NANOSECONDS));
        }
        for (long t = System.nanoTime(); t < sendEnd; t = System.nanoTime()) {
            Thread.sleep(Math.min(window != null ? 200L : 5_000L, (sendEnd - t) / 1_000_000 + 1));
            if (!json) {
                System.err.printf(Locale.ROOT, "  t=%.0fs acked=%d delivered=%d%n", (System.nanoTime() - sendStart) / 1e9,
                        run.acked.sum(), run.measuredDeliveries.sum());
            }
        }
        if (window != null) {
            window.end();
            probes.forEach(f -> f.cancel(false));
        }
        tasks.forEach(f -> f.cancel(false));
    }

    /**
     * The measured seconds of a load run as the servers saw them: CPU time (utime + stime) of
     * every --server-pid and of this generator from the start of the measured window to the end
     * of sending, and the peak of their summed RSS, sampled every 500 ms in that window.
     */
    private final class Window {
        private volatile Map<String, Double> cpu0;
        private volatile double gen0;
        private volatile long t0;
        private Map<String, Double> cpu1;
        private double gen1;
        private long t1;
        private final Map<String, Long> peakByPid = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong peakTotal = new java.util.concurrent.atomic.AtomicLong(-1);

        void begin() {
            t0 = System.nanoTime();
            cpu0 = probe.cpuSeconds();
            gen0 = ServerProbe.cpuSeconds(ProcessHandle.current().pid());
            sampleRss();
        }

        void sampleRss() {
            if (cpu0 == null) return;
            long total = 0;
            for (var e : probe.rss().entrySet()) {
                if (e.getValue() > 0) {
                    total += e.getValue();
                    peakByPid.merge(e.getKey(), e.getValue(), Math::max);
                }
            }
            long t = total;
            peakTotal.accumulateAndGet(t, Math::max);
        }

        void end() {
            if (cpu0 == null) begin(); // a window too short to have started: an empty one
            sampleRss();
            t1 = System.nanoTime();
            cpu1 = probe.cpuSeconds();
            gen1 = ServerProbe.cpuSeconds(ProcessHandle.current().pid());
        }

        void report(Map<String, Object> report, long deliveriesInWindow) {
            double seconds = (t1 - t0) / 1e9;
            Map<String, Double> cpu = new LinkedHashMap<>();
            double total = 0;
            for (var e : cpu1.entrySet()) {
                Double b = cpu0.get(e.getKey());
                double d = b == null || b < 0 || e.getValue() < 0 ? 0 : e.getValue() - b;
                cpu.put(e.getKey(), round(d));
                total += d;
            }
            report.put("measuredWindowSeconds", round(seconds));
            report.put("serverCpuSeconds", cpu);
            report.put("serverCpuSecondsTotal", round(total));
            report.put("serverCores", round(seconds > 0 ? total / seconds : 0));
            report.put("generatorCpuSeconds", round(gen1 - gen0));
            report.put("cpuMsPer1000Deliveries", deliveriesInWindow > 0 ? round(total * 1e6 / deliveriesInWindow) : null);
            Map<String, Object> peak = new LinkedHashMap<>(peakByPid);
            peak.put("total", peakTotal.get());
            report.put("rssPeakKb", peak);
        }
    }

    // ------------------------------------------------------------------ rtt

    /**
     * One client sends --rtt-count messages one after another, each after the previous one's
     * ack (or --rtt-timeout); the later half is measured (ackMs).
     */
    private int rtt(List<BenchClient> live, Run run, Map<String, Integer> liveByChat, Map<String, Object> report)
            throws InterruptedException {
        if (live.isEmpty()) {
            report.put("rttError", "the client did not connect");
            return 1;
        }
        BenchClient c = live.get(0);
        run.allocate(List.of(c), rttCount, liveByChat);
        Semaphore acks = new Semaphore(0);
        c.ackHook = acks::release;
        int measuredFrom = rttCount / 2;
        long missing = 0;
        long start = System.nanoTime();
        for (int i = 0; i < rttCount; i++) {
            if (!c.sendMessage(run, i >= measuredFrom)) break;
            if (!acks.tryAcquire(rttTimeout, TimeUnit.SECONDS)) missing++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        c.ackHook = null;
        report.put("sent", run.slots[c.index].sent);
        report.put("measured", rttCount - measuredFrom);
        report.put("acked", run.acked.sum());
        report.put("ackFailed", run.ackFailures.sum());
        if (run.lastAckError != null) report.put("lastAckError", run.lastAckError);
        report.put("acksMissing", missing);
        report.put("rttSeconds", round(seconds));
        report.put("ackMs", percentiles(run.ackLatency, true));
        report.put("errorEvents", run.errorEvents.sum());
        report.put("protocolErrors", run.protocolErrors.sum());
        report.put("unexpectedCloses", run.unexpectedCloses.sum());
        report.put("rssEndKb", probe.rss());
        return 0;
    }

    /** Waits up to --drain for late acks and deliveries, then counts the run's measured messages. */
    private Map<String, Object> drainAndTally(List<BenchClient> live, Run run, int measuredSeconds) throws InterruptedException {
        long sentMeasured = 0;
        long expected = 0;
        for (BenchClient c : live) {
            Run.Slot s = run.slots[c.index];
            for (int q = 0; q < s.sent; q++) {
                if (s.measured[q]) {
                    sentMeasured++;
                    expected += s.expectedPerMessage;
                }
            }
        }
        long drainEnd = System.nanoTime() + drain * 1_000_000_000L;
        while (System.nanoTime() < drainEnd
                && (run.measuredDeliveries.sum() < expected || run.acked.sum() + run.ackFailures.sum() < sentMeasured)) {
            Thread.sleep(50);
        }
        long received = 0;
        long lost = 0;
        long duplicates = 0;
        for (BenchClient c : live) {
            Run.Slot s = run.slots[c.index];
            for (int q = 0; q < s.sent; q++) {
                if (!s.measured[q]) continue;
                int got = s.deliveries.get(q);
                received += Math.min(got, s.expectedPerMessage);
                lost += Math.max(0, s.expectedPerMessage - got);
                duplicates += Math.max(0, got - s.expectedPerMessage);
            }
        }
        // One snapshot of each histogram, so that counts, percentiles and "late" agree while a
        // backlogged server still delivers after the drain.
        Histogram ackSnapshot = run.ackLatency.copy();
        Histogram deliverySnapshot = run.deliveryLatency.copy();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sent", sentMeasured);
        m.put("acked", run.acked.sum());
        m.put("ackFailed", run.ackFailures.sum());
        if (run.lastAckError != null) m.put("lastAckError", run.lastAckError);
        m.put("ackMs", percentiles(ackSnapshot, true));
        m.put("deliveriesExpected", expected);
        m.put("deliveriesReceived", received);
        m.put("deliveriesLost", lost);
        m.put("deliveriesDuplicate", duplicates);
        m.put("deliveriesInWindow", run.deliveriesInWindow.sum());
        m.put("deliveredPerSec", round(run.deliveriesInWindow.sum() / (double) measuredSeconds));
        m.put("deliveryMs", percentiles(deliverySnapshot, true));
        // "Late": a delivery that arrived more than LATE_MICROS after its send (it is still counted as received).
        m.put("lateBoundMs", LATE_MICROS / 1000);
        m.put("deliveriesLate", deliverySnapshot.getTotalCount() - deliverySnapshot.getCountBetweenValues(0, LATE_MICROS));
        m.put("selfDeliveries", run.selfDeliveries.sum());
        m.put("errorEvents", run.errorEvents.sum());
        m.put("protocolErrors", run.protocolErrors.sum());
        m.put("unexpectedCloses", run.unexpectedCloses.sum());
        return m;
    }

    // ------------------------------------------------------------------ ramp

    private int ramp(List<BenchClient> live, Map<String, Integer> liveByChat, Runs runs, String base,
                     Map<String, Object> report) throws InterruptedException {
        Run connectRun = runs.current();
        report.put("connectPhaseErrors", Map.of("errorEvents", connectRun.errorEvents.sum(),
                "protocolErrors", connectRun.protocolErrors.sum(), "unexpectedCloses", connectRun.unexpectedCloses.sum()));
        List<Map<String, Object>> steps = new ArrayList<>();
        Map<String, Object> best = null;
        String stopReason;
        double r = rate;
        for (int step = 1; ; step++) {
            Run run = new Run(base + "s" + step, step, connections);
            run.allocate(live, (int) Math.ceil(r * (stepSettle + stepDuration)) + 4, liveByChat);
            runs.start(run);
            Map<String, Double> cpu0 = probe.cpuSeconds();
            double genCpu0 = ServerProbe.cpuSeconds(ProcessHandle.current().pid());
            send(live, run, r, stepSettle, stepDuration);
            Map<String, Double> cpu1 = probe.cpuSeconds();
            double genCpu1 = ServerProbe.cpuSeconds(ProcessHandle.current().pid());
            Map<String, Object> t = drainAndTally(live, run, stepDuration);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("ratePerClient", Math.round(r * 1000) / 1000.0);
            m.put("offeredPerSec", round(r * live.size()));
            m.put("sentPerSec", round(((Number) t.get("sent")).longValue() / (double) stepDuration));
            m.putAll(t);
            // CPU used in the sending window (settle + measured), in cores.
            double window = stepSettle + stepDuration + 0.2;
            Map<String, Double> cores = new LinkedHashMap<>();
            cpu1.forEach((pid, c) -> cores.put(pid, round((c - cpu0.get(pid)) / window)));
            m.put("serverCores", cores);
            m.put("generatorCores", round((genCpu1 - genCpu0) / window));
            List<String> reasons = new ArrayList<>();
            @SuppressWarnings("unchecked")
            double p99 = (double) ((Map<String, Object>) t.get("deliveryMs")).get("p99");
            long sent = ((Number) t.get("sent")).longValue();
            long acked = ((Number) t.get("acked")).longValue();
            long ackFailed = ((Number) t.get("ackFailed")).longValue();
            if (p99 > p99Bound) reasons.add("delivery p99 " + p99 + " ms > " + p99Bound + " ms");
            if (((Number) t.get("deliveriesLost")).longValue() > 0) reasons.add(t.get("deliveriesLost") + " deliveries lost");
            if (ackFailed > 0) reasons.add(ackFailed + " acks failed");
            if (acked + ackFailed < sent) reasons.add((sent - acked - ackFailed) + " acks missing");
            long errors = ((Number) t.get("unexpectedCloses")).longValue() + ((Number) t.get("errorEvents")).longValue();
            if (errors > 0) reasons.add(errors + " errors/unexpected closes");
            if (sent == 0) reasons.add("nothing sent");
            boolean pass = reasons.isEmpty();
            m.put("pass", pass);
            if (!pass) m.put("failReason", String.join("; ", reasons));
            steps.add(m);
            System.err.printf(Locale.ROOT, "step %d: %.3f msg/s per client, %.0f offered/s, %.0f delivered/s, delivery p99 %.2f ms -> %s%n",
                    step, r, r * live.size(), t.get("deliveredPerSec"), p99, pass ? "pass" : "FAIL: " + String.join("; ", reasons));
            if (pass && (best == null || (double) m.get("deliveredPerSec") > (double) best.get("deliveredPerSec"))) best = m;
            if (!pass) {
                stopReason = "step " + step + " failed: " + String.join("; ", reasons);
                break;
            }
            double next = rampStep > 0 ? r + rampStep : r * rampFactor;
            if (maxRate > 0 && next > maxRate * (1 + 1e-9)) {
                stopReason = "the next rate " + round(next) + " would exceed --max-rate " + maxRate;
                break;
            }
            if (step >= maxSteps) {
                stopReason = "--max-steps " + maxSteps + " reached";
                break;
            }
            r = next;
        }
        report.put("steps", steps);
        report.put("stopReason", stopReason);
        if (best != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("step", best.get("step"));
            b.put("ratePerClient", best.get("ratePerClient"));
            b.put("deliveredPerSec", best.get("deliveredPerSec"));
            b.put("deliveryMs", best.get("deliveryMs"));
            report.put("best", b);
        } else {
            report.put("best", null);
        }
        report.put("rssEndKb", probe.rss());
        return 0;
    }

    // ------------------------------------------------------------------ idle

    private int idle(BenchClient[] clients, List<BenchClient> live, Runs runs, String base, Map<String, Object> report,
                     Map<String, Long> rssBeforeGc, Map<String, Long> heapBefore, long generatorHeapBefore) throws InterruptedException {
        Run connectRun = runs.current();
        int ok = live.size();
        Thread.sleep(settle * 1000L);
        report.put("openWhenMeasured", live.stream().filter(c -> !c.closed).count());
        measureConnected(report, ok, rssBeforeGc, heapBefore);
        long generatorHeap = usedHeapAfterGc();
        report.put("generatorHeapPerConnectionKb", ok == 0 ? null : round((generatorHeap - generatorHeapBefore) / 1024.0 / ok));
        report.put("generatorRssKb", ServerProbe.rssKb(ProcessHandle.current().pid()));
        report.put("connectPhaseErrors", errors(connectRun));

        Hold h = new Hold(clients, live, runs, base);
        long start = System.nanoTime();
        long end = start + hold * 1_000_000_000L;
        for (long t = start; t < end; t = System.nanoTime()) {
            Thread.sleep(Math.min(10_000L, (end - t) / 1_000_000 + 1));
            System.err.printf(Locale.ROOT, "  hold t=%.0fs %s%n", (System.nanoTime() - start) / 1e9, h.progress());
        }
        report.put("holdSeconds", round((System.nanoTime() - start) / 1e9));
        report.putAll(h.result());
        finishIdle(report, ok);
        return 0;
    }

    /** After the connections are up and settled: RSS, and with --server-jcmd RSS and heap after GC and histograms. */
    private void measureConnected(Map<String, Object> report, int ok, Map<String, Long> rssBeforeGc, Map<String, Long> heapBefore)
            throws InterruptedException {
        Map<String, Long> rssConnected = probe.rss();
        report.put("rssConnectedKb", rssConnected);
        report.put("rssPerConnectionKb", perConnection(cast(report.get("rssBeforeKb")), rssConnected, ok));
        if (serverJcmd) {
            gcAll();
            Map<String, Long> rssAfterGc = probe.rss();
            Map<String, Long> heapAfter = heapAll();
            report.put("rssAfterGcKb", rssAfterGc);
            report.put("rssPerConnectionAfterGcKb", perConnection(rssBeforeGc, rssAfterGc, ok));
            report.put("heapAfterGcKb", heapAfter);
            report.put("heapPerConnectionKb", perConnection(heapBefore, heapAfter, ok));
            report.put("histogramTop", histograms());
        }
    }

    private void finishIdle(Map<String, Object> report, int ok) {
        Map<String, Long> rssEnd = probe.rss();
        report.put("rssEndKb", rssEnd);
        report.put("rssPerConnectionEndKb", perConnection(cast(report.get("rssBeforeKb")), rssEnd, ok));
        boolean allGood = ok == connections && num(report, "closedDuringHold") == 0 && num(report, "errorEvents") == 0
                && num(report, "protocolErrors") == 0 && num(report, "unexpectedCloses") == 0 && num(report, "joinFailed") == 0;
        report.put("heldWithoutErrors", allGood);
    }

    private static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.longValue() : 0;
    }

    private static Map<String, Object> errors(Run run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errorEvents", run.errorEvents.sum());
        m.put("protocolErrors", run.protocolErrors.sum());
        m.put("unexpectedCloses", run.unexpectedCloses.sum());
        return m;
    }

    /** The idle hold of one process's connections: heartbeats counted per client, errors in a run of its own. */
    static final class Hold {
        private final List<BenchClient> live;
        private final Run run;
        private final int[] pingsAtStart;
        private final boolean[] openAtStart;

        Hold(BenchClient[] clients, List<BenchClient> live, Runs runs, String base) {
            this.live = live;
            this.run = new Run(base + "h", 1, clients.length);
            runs.start(run);
            pingsAtStart = new int[clients.length];
            openAtStart = new boolean[clients.length];
            for (BenchClient c : live) {
                pingsAtStart[c.index] = c.pings;
                openAtStart[c.index] = !c.closed;
            }
        }

        Map<String, Object> progress() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("open", live.stream().filter(c -> !c.closed).count());
            m.put("pings", run.pings.sum());
            m.put("errors", run.errorEvents.sum() + run.protocolErrors.sum());
            m.put("closes", run.unexpectedCloses.sum());
            return m;
        }

        Map<String, Object> result() {
            int pinged = 0;
            int closedDuringHold = 0;
            int stillOpen = 0;
            for (BenchClient c : live) {
                if (c.pings > pingsAtStart[c.index]) pinged++;
                if (c.closed) {
                    if (openAtStart[c.index]) closedDuringHold++;
                } else {
                    stillOpen++;
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pingsReceived", run.pings.sum());
            m.put("connectionsPinged", pinged);
            m.put("errorEvents", run.errorEvents.sum());
            m.put("protocolErrors", run.protocolErrors.sum());
            m.put("unexpectedCloses", run.unexpectedCloses.sum());
            m.put("closedDuringHold", closedDuringHold);
            m.put("stillOpen", stillOpen);
            m.put("foreignDeliveries", run.foreignDeliveries.sum());
            return m;
        }
    }

    // ------------------------------------------------------------------ idle over several processes

    /**
     * A worker of {@link #idleCoordinator}: after connecting it prints {@code READY <json>} and
     * then answers commands on stdin, one line each: HOLD (start the hold), STATS (prints
     * {@code STATS <json>}), END (prints {@code END <json>}, closes, exits).
     */
    private int workerLoop(BenchClient[] clients, List<BenchClient> live, Runs runs, String base, Map<String, Object> report,
                           long generatorHeapBefore) throws Exception {
        Run connectRun = runs.current();
        Map<String, Object> ready = new LinkedHashMap<>();
        for (String k : List.of("connectionsOk", "connectionsFailed", "connectFailures", "connectPhaseSeconds", "joinFailed", "joinError")) {
            if (report.containsKey(k)) ready.put(k, report.get(k));
        }
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(connectRun.connectLatency.getNeededByteBufferCapacity());
        connectRun.connectLatency.encodeIntoCompressedByteBuffer(buf);
        buf.flip();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        ready.put("connectHistogram", java.util.Base64.getEncoder().encodeToString(bytes));
        long heap = usedHeapAfterGc();
        ready.put("generatorHeapKb", (heap - generatorHeapBefore) / 1024);
        ready.put("generatorRssKb", ServerProbe.rssKb(ProcessHandle.current().pid()));
        ready.put("connectPhaseErrors", errors(connectRun));
        line("READY", ready);
        Hold h = null;
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String cmd; (cmd = in.readLine()) != null; ) {
            switch (cmd.trim()) {
                case "HOLD" -> h = new Hold(clients, live, runs, base);
                case "STATS" -> line("STATS", h == null ? Map.of("open", live.stream().filter(c -> !c.closed).count()) : h.progress());
                case "END" -> {
                    line("END", h == null ? Map.of() : h.result());
                    return 0;
                }
                default -> System.err.println("worker: unknown command " + cmd);
            }
        }
        return 1; // the coordinator went away
    }

    private static void line(String tag, Map<String, Object> m) {
        System.out.println(tag + " " + BenchClient.JSON.valueToTree(m));
        System.out.flush();
    }

    /** Idle mode over --processes generator JVMs (one process may hold only so many sockets). */
    private int idleCoordinator(CommandLine cl, List<InetAddress> sources) throws Exception {
        if (!mode.equals("idle")) throw new CommandLine.ParameterException(cl, "--processes > 1 is for --mode idle only");
        probe = new ServerProbe(serverPids);
        if (createChatsGrpc != null) createChats();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", mode);
        report.put("protocol", protocol);
        report.put("url", url);
        report.put("connections", connections);
        report.put("group", group);
        report.put("hold", hold);
        report.put("settle", settle);
        report.put("sourceAddresses", sources.stream().filter(a -> a != null).map(InetAddress::getHostAddress).toList());
        report.put("generatorProcesses", processes);
        report.put("serverNames", probe.names);
        report.put("rssBeforeKb", probe.rss());
        Map<String, Long> rssBeforeGc = null;
        Map<String, Long> heapBefore = null;
        if (serverJcmd) {
            gcAll();
            rssBeforeGc = probe.rss();
            heapBefore = heapAll();
            report.put("rssBeforeGcKb", rssBeforeGc);
            report.put("heapBeforeGcKb", heapBefore);
        }
        // Shares of whole chats, so that no chat spans two processes.
        int chats = (connections + group - 1) / group;
        List<Process> workers = new ArrayList<>();
        List<java.io.BufferedReader> outs = new ArrayList<>();
        List<java.io.PrintWriter> ins = new ArrayList<>();
        List<String> jvm = new ArrayList<>();
        jvm.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xmx") || workerHeap.isEmpty()) jvm.add(a);
        }
        if (!workerHeap.isEmpty()) jvm.add("-Xmx" + workerHeap);
        jvm.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName()));
        Map<String, Double> connectCpu0 = probe.cpuSeconds();
        long start = System.nanoTime();
        int chatStart = 0;
        for (int w = 0; w < processes; w++) {
            int chatEnd = (int) ((long) chats * (w + 1) / processes);
            int from = Math.min(connections, chatStart * group);
            int to = Math.min(connections, chatEnd * group);
            chatStart = chatEnd;
            if (to <= from) continue;
            List<String> cmd = new ArrayList<>(jvm);
            cmd.addAll(List.of("--worker", "--mode", "idle", "--protocol", protocol, "--url", url,
                    "--connections", Integer.toString(to - from), "--user-offset", Integer.toString(from),
                    "--group", Integer.toString(group), "--secret", secret, "--chat-prefix", chatPrefix, "--user-prefix", userPrefix,
                    "--connect-concurrency", Integer.toString(Math.max(1, connectConcurrency / processes)),
                    "--connect-timeout", Integer.toString(connectTimeout),
                    "--give-up-after", Integer.toString(giveUpAfter <= 0 ? 0 : Math.max(1, giveUpAfter / processes)),
                    "--http-clients-per-address", Integer.toString(httpClientsPerAddress)));
            if (noJoin) cmd.add("--no-join");
            List<String> addrs = sources.stream().filter(a -> a != null).map(InetAddress::getHostAddress).toList();
            if (!addrs.isEmpty()) cmd.addAll(List.of("--source-addresses", String.join(",", addrs)));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            workers.add(p);
            outs.add(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            ins.add(new java.io.PrintWriter(new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), true));
        }
        report.put("generatorProcesses", workers.size());
        int ok = 0;
        int failed = 0;
        int joinFailed = 0;
        String joinError = null;
        double phase = 0;
        long genHeap = 0;
        long genRss = 0;
        Map<String, Integer> failures = new LinkedHashMap<>();
        Map<String, Object> connectErrors = new LinkedHashMap<>();
        ConcurrentHistogramHolder hist = new ConcurrentHistogramHolder();
        for (int w = 0; w < workers.size(); w++) {
            var r = expect(outs.get(w), "READY", workers.get(w));
            ok += r.path("connectionsOk").asInt();
            failed += r.path("connectionsFailed").asInt();
            joinFailed += r.path("joinFailed").asInt();
            if (joinError == null && r.hasNonNull("joinError")) joinError = r.get("joinError").asText();
            phase = Math.max(phase, r.path("connectPhaseSeconds").asDouble());
            genHeap += r.path("generatorHeapKb").asLong();
            genRss += r.path("generatorRssKb").asLong();
            r.path("connectFailures").fields().forEachRemaining(e -> failures.merge(e.getKey(), e.getValue().asInt(), Integer::sum));
            r.path("connectPhaseErrors").fields().forEachRemaining(e -> connectErrors.merge(e.getKey(), e.getValue().asLong(), (a, b) -> (Long) a + (Long) b));
            hist.add(r.path("connectHistogram").asText());
        }
        report.put("connectPhaseServerCpuSeconds", cpuSpent(probe, connectCpu0, probe.cpuSeconds()));
        report.put("connectionsOk", ok);
        report.put("connectionsFailed", failed);
        report.put("connectFailures", failures);
        report.put("connectPhaseSeconds", round(phase));
        report.put("connectRatePerSec", round(phase > 0 ? ok / phase : 0));
        report.put("connectMs", percentiles(hist.h, false));
        report.put("joinFailed", joinFailed);
        if (joinError != null) report.put("joinError", joinError);
        report.put("connectAllSeconds", round((System.nanoTime() - start) / 1e9));
        Thread.sleep(settle * 1000L);
        ins.forEach(i -> i.println("STATS"));
        long open = 0;
        for (int w = 0; w < workers.size(); w++) open += expect(outs.get(w), "STATS", workers.get(w)).path("open").asLong();
        report.put("openWhenMeasured", open);
        measureConnected(report, ok, rssBeforeGc, heapBefore);
        report.put("generatorHeapPerConnectionKb", ok == 0 ? null : round(genHeap / (double) ok));
        report.put("generatorRssKb", genRss);
        report.put("connectPhaseErrors", connectErrors);

        ins.forEach(i -> i.println("HOLD"));
        long holdStart = System.nanoTime();
        long end = holdStart + hold * 1_000_000_000L;
        for (long t = holdStart; t < end; t = System.nanoTime()) {
            Thread.sleep(Math.min(10_000L, (end - t) / 1_000_000 + 1));
            ins.forEach(i -> i.println("STATS"));
            Map<String, Long> sum = new LinkedHashMap<>();
            for (int w = 0; w < workers.size(); w++) {
                expect(outs.get(w), "STATS", workers.get(w)).fields()
                        .forEachRemaining(e -> sum.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            }
            System.err.printf(Locale.ROOT, "  hold t=%.0fs %s%n", (System.nanoTime() - holdStart) / 1e9, sum);
        }
        report.put("holdSeconds", round((System.nanoTime() - holdStart) / 1e9));
        Map<String, Long> result = new LinkedHashMap<>();
        for (String k : List.of("pingsReceived", "connectionsPinged", "errorEvents", "protocolErrors", "unexpectedCloses",
                "closedDuringHold", "stillOpen", "foreignDeliveries")) result.put(k, 0L);
        ins.forEach(i -> i.println("END"));
        for (int w = 0; w < workers.size(); w++) {
            expect(outs.get(w), "END", workers.get(w)).fields()
                    .forEachRemaining(e -> result.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        report.putAll(result);
        finishIdle(report, ok);
        for (Process p : workers) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        print(report);
        return 0;
    }

    private static com.fasterxml.jackson.databind.JsonNode expect(java.io.BufferedReader out, String tag, Process p) throws Exception {
        for (String l; (l = out.readLine()) != null; ) {
            if (l.startsWith(tag + " ")) return BenchClient.JSON.readTree(l.substring(tag.length() + 1));
            System.err.println("worker " + p.pid() + ": " + l);
        }
        throw new IllegalStateException("generator worker " + p.pid() + " ended before " + tag);
    }

    private static final class ConcurrentHistogramHolder {
        final Histogram h = new Histogram(3);

        void add(String base64) {
            if (base64.isEmpty()) return;
            try {
                h.add(Histogram.decodeFromCompressedByteBuffer(java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(base64)), 0));
            } catch (java.util.zip.DataFormatException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** (after - before) / connections per pid and for all of them ("total"); KB. */
    private static Map<String, Object> perConnection(Map<String, Long> before, Map<String, Long> after, int n) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (before == null || after == null || n == 0) return out;
        long total = 0;
        boolean complete = true;
        for (var e : after.entrySet()) {
            Long b = before.get(e.getKey());
            if (b == null || b < 0 || e.getValue() < 0) {
                complete = false;
                continue;
            }
            out.put(e.getKey(), round((e.getValue() - b) / (double) n));
            total += e.getValue() - b;
        }
        if (complete && !out.isEmpty()) out.put("total", round(total / (double) n));
        return out;
    }

    private void gcAll() throws InterruptedException {
        boolean any = false;
        for (long pid : probe.pids) {
            if (ServerProbe.isJvm(pid)) {
                ServerProbe.jcmd(pid, "GC.run");
                any = true;
            }
        }
        if (any) Thread.sleep(2000); // let the heap shrink and the kernel account for it
    }

    private Map<String, Long> heapAll() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (long pid : probe.pids) {
            if (ServerProbe.isJvm(pid)) out.put(Long.toString(pid), ServerProbe.heapUsedKb(pid));
        }
        return out;
    }

    /** GC.class_histogram of each Java server: the top lines into the report, 40 into --histogram-dir. */
    private Map<String, List<String>> histograms() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (long pid : probe.pids) {
            if (!ServerProbe.isJvm(pid)) continue;
            String h = ServerProbe.jcmd(pid, "GC.class_histogram");
            if (h == null) continue;
            List<String> lines = h.lines().filter(l -> !l.isBlank()).toList();
            // The first line is "<pid>:", then the header and its rule, then the classes.
            List<String> top = lines.subList(0, Math.min(lines.size(), 43));
            out.put(Long.toString(pid), top.subList(Math.min(1, top.size()), Math.min(top.size(), 18)));
            if (histogramDir != null) {
                try {
                    Files.createDirectories(histogramDir);
                    String name = probe.names.getOrDefault(Long.toString(pid), "pid") + "-" + pid + ".txt";
                    Files.writeString(histogramDir.resolve(name), String.join("\n", top) + "\n", StandardCharsets.UTF_8);
                } catch (Exception e) {
                    System.err.println("histogram: " + e);
                }
            }
        }
        return out;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        Thread.sleep(200);
        return rt.totalMemory() - rt.freeMemory();
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    // ------------------------------------------------------------------ chats, output

    private void createChats() {
        ManagedChannel channel = GrpcChannels.forTarget(createChatsGrpc);
        try {
            var stub = ChatAdminServiceGrpc.newBlockingStub(channel);
            int chats = (connections + group - 1) / group;
            int created = 0;
            int existing = 0;
            for (int k = 0; k < chats; k++) {
                CreateChatRequest.Builder req = CreateChatRequest.newBuilder().setId(chatPrefix + k).setTitle("bench " + k);
                for (int i = k * group; i < Math.min(connections, (k + 1) * group); i++) req.addMemberIds(userPrefix + i);
                // A messaging-service still busy with the previous run's backlog may answer slowly:
                // a generous deadline and up to three tries for a call that timed out or found it unavailable.
                for (int attempt = 1; ; attempt++) {
                    try {
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS).createChat(req.build());
                        created++;
                        break;
                    } catch (StatusRuntimeException e) {
                        Status.Code code = e.getStatus().getCode();
                        if (code == Status.Code.ALREADY_EXISTS) {
                            existing++;
                            break;
                        }
                        if (attempt >= 3 || (code != Status.Code.DEADLINE_EXCEEDED && code != Status.Code.UNAVAILABLE)) throw e;
                        System.err.printf(Locale.ROOT, "chats: %s on %s, trying again%n", code, chatPrefix + k);
                    }
                }
            }
            System.err.printf(Locale.ROOT, "chats: %d created, %d already existed%n", created, existing);
        } finally {
            GrpcChannels.close(channel);
        }
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
            System.out.printf(Locale.ROOT, "%-28s %s%n", e.getKey(), e.getValue());
        }
    }
}
