package io.sup.realtime.tools;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;

import picocli.CommandLine;

/**
 * {@code sup} running in-process on its own thread, the way {@link SupCli#main} runs it, with
 * a standard input the test types into line by line and an output it can wait on: for
 * sessions whose next input depends on what the server answered.
 */
final class CliSession implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Feed stdin = new Feed();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private CliSession(Map<String, String> env, String... args) {
        CommandLine cli = SupCli.commandLine(CliContext.of(env, stdin));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        Thread.ofPlatform().daemon().name("sup-under-test").start(() -> {
            try {
                exit.complete(cli.execute(args));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        });
    }

    /** Starts {@code sup args...} with environment {@code env}. */
    static CliSession start(Map<String, String> env, String... args) {
        return new CliSession(env, args);
    }

    /** Types {@code line} and a newline. */
    void type(String line) {
        stdin.add(line + "\n");
    }

    /** Waits for the line {@code line} on standard output. */
    void awaitOutLine(String line) throws InterruptedException {
        awaitOut("the line " + line, line::equals);
    }

    /** Waits for the line of standard output starting with {@code prefix} and returns it. */
    String awaitOutStartingWith(String prefix) throws InterruptedException {
        return awaitOut("a line starting with " + prefix, line -> line.startsWith(prefix));
    }

    /** Waits for a line of standard output matching {@code match} (described by {@code what}) and returns it. */
    String awaitOut(String what, Predicate<String> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String line = out.toString().lines().filter(match).findFirst().orElse(null);
            if (line != null) {
                return line;
            }
            if (exit.isDone() || System.nanoTime() - deadline > 0) {
                throw new AssertionError("no output of " + what + (exit.isDone() ? " before exit" : " within " + WAIT)
                        + "\n--- out\n" + out + "--- err\n" + err);
            }
            Thread.sleep(10); // polling pace; what is waited on is the output
        }
    }

    /** Ends standard input and waits for {@code sup} to exit. */
    CliRun endInputAndAwaitExit() throws Exception {
        stdin.end();
        int code = exit.get();
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public void close() {
        stdin.end();
    }

    /** Standard input fed by the test: reads block until a line is typed or the input ends. */
    private static final class Feed extends InputStream {
        private static final int END = -1;
        private final BlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();

        void add(String text) {
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                bytes.add(b & 0xff);
            }
        }

        void end() {
            bytes.add(END);
        }

        @Override
        public int read() throws InterruptedIOException {
            try {
                int b = bytes.take();
                if (b == END) {
                    bytes.add(END); // stays ended for later reads
                }
                return b;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
        }

        /** Blocks for the first byte only, then hands over what is already there. */
        @Override
        public int read(byte[] buffer, int offset, int length) throws InterruptedIOException {
            if (length == 0) {
                return 0;
            }
            int first = read();
            if (first == END) {
                return -1;
            }
            buffer[offset] = (byte) first;
            int n = 1;
            Integer next;
            while (n < length && (next = bytes.peek()) != null && next != END) {
                buffer[offset + n++] = (byte) (int) bytes.poll();
            }
            return n;
        }
    }
}
