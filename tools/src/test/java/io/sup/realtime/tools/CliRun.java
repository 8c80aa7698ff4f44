package io.sup.realtime.tools;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import picocli.CommandLine;

/** Runs {@code sup} in-process the way {@link SupCli#main} does, with a given environment and stdin, capturing out and err. */
record CliRun(int exitCode, String out, String err) {
    static CliRun runWithInput(Map<String, String> env, String stdin, String... args) {
        CommandLine cli = SupCli.commandLine(CliContext.of(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    static CliRun run(Map<String, String> env, String... args) {
        return runWithInput(env, "", args);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
