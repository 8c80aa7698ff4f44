package io.sup.realtime.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks at local server processes through /proc (VmRSS, CPU time) and, for JVMs, through
 * {@code jcmd} (GC.run, GC.heap_info, GC.class_histogram). Maps are keyed by pid as a string.
 */
final class ServerProbe {
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*(?:garbage-first|def new generation|PSYoungGen|ParOldGen|tenured generation|Shenandoah).*?used (\\d+)K");
    private static final Pattern ZGC_USED = Pattern.compile("(?m)^\\s*ZHeap\\s+used (\\d+)M");

    final List<Long> pids = new ArrayList<>();
    final Map<String, String> names = new LinkedHashMap<>();

    /** Each spec is {@code pid} or {@code name=pid}; without a name, one is made from the command line. */
    ServerProbe(List<String> specs) {
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            long pid = Long.parseLong(spec.substring(eq + 1).trim());
            pids.add(pid);
            names.put(Long.toString(pid), eq > 0 ? spec.substring(0, eq) : guessName(pid));
        }
    }

    Map<String, Long> rss() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (long pid : pids) out.put(Long.toString(pid), rssKb(pid));
        return out;
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (Exception e) {
            // gone
        }
        return -1L;
    }

    /** utime + stime of each process in seconds (from /proc/pid/stat, 100 ticks per second). */
    Map<String, Double> cpuSeconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (long pid : pids) out.put(Long.toString(pid), cpuSeconds(pid));
        return out;
    }

    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14 and 15
        } catch (Exception e) {
            return -1;
        }
    }

    static boolean isJvm(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).getFileName().toString().equals("java");
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs {@code jcmd pid args...}; the output, or null when it failed. */
    static String jcmd(long pid, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The Java heap in use (KB) by GC.heap_info, or -1. */
    static long heapUsedKb(long pid) {
        String info = jcmd(pid, "GC.heap_info");
        if (info == null) return -1;
        Matcher m = HEAP_USED.matcher(info);
        if (m.find()) return Long.parseLong(m.group(1));
        m = ZGC_USED.matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    private static String guessName(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
            Matcher jar = Pattern.compile("([\\w.-]+)\\.jar").matcher(cmdline);
            if (jar.find()) return jar.group(1);
            return Path.of(cmdline.trim().split(" ")[0]).getFileName().toString();
        } catch (Exception e) {
            return Long.toString(pid);
        }
    }
}
