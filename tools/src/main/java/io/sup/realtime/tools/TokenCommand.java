package io.sup.realtime.tools;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sup token}: prints an HS256 access token for a user, signed with the gateway's
 * {@code JWT_SECRET} (what the original's {@code generate-token.js} did). The token is the
 * only thing on stdout, so {@code TOKEN=$(sup token --user alice)} works.
 *
 * <p>A missing secret is a usage error (exit {@value SupCli#EXIT_USAGE}); a secret shorter
 * than 256 bits is used, with a warning on stderr.
 */
@Command(name = "token",
        mixinStandardHelpOptions = true,
        description = {"Print an HS256 access token the gateway accepts (sub, deviceId, type=access, iat, exp).",
                "Signed with --secret or $JWT_SECRET; no kid header, so the gateway checks it against JWT_SECRET."},
        footer = {"", "Examples:",
                "  sup token --user alice",
                "  sup token --user alice --device phone --ttl 30m --secret \"$JWT_SECRET\"",
                "  TOKEN=$(sup token --user bob)"})
public final class TokenCommand implements Callable<Integer> {
    private final CliContext context;
    private final Clock clock;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-u", "--user"}, required = true, paramLabel = "<id>", description = "User id (the sub claim).")
    private String user;

    @Option(names = {"-d", "--device"}, paramLabel = "<id>", description = "Device id (the deviceId claim); none when omitted.")
    private String device;

    @Option(names = {"-s", "--secret"}, paramLabel = "<secret>",
            description = "HS256 secret; default: $JWT_SECRET. Prefer the variable: arguments show in ps.")
    private String secret;

    @Option(names = {"-t", "--ttl"}, paramLabel = "<duration>", defaultValue = "24h", converter = Ttl.Converter.class,
            description = "Lifetime: a whole number with s, m, h or d (3600s, 30m, 24h, 7d); default: ${DEFAULT-VALUE}.")
    private Duration ttl;

    @Option(names = "--issuer", paramLabel = "<iss>", description = "The iss claim, for gateways configured to require one.")
    private String issuer;

    @Option(names = "--audience", paramLabel = "<aud>", description = "The aud claim, for gateways configured to require one.")
    private String audience;

    /** @param context where {@code JWT_SECRET} is read */
    public TokenCommand(CliContext context) {
        this(context, Clock.systemUTC());
    }

    /**
     * @param context where {@code JWT_SECRET} is read
     * @param clock   the issue time's source
     */
    public TokenCommand(CliContext context, Clock clock) {
        this.context = context;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        String key = resolveSecret(secret, context, spec);
        Tokens.Claims claims = claims(user, device, ttl, issuer, audience, spec);
        warnIfShort(key, spec);
        spec.commandLine().getOut().println(Tokens.sign(key, claims, clock.instant()));
        spec.commandLine().getOut().flush();
        return SupCli.EXIT_OK;
    }

    /** {@code --secret}, else {@code JWT_SECRET}; neither is a usage error. */
    static String resolveSecret(String option, CliContext context, CommandSpec spec) {
        if (option != null && !option.isEmpty()) {
            return option;
        }
        String env = context.envValue(CliContext.JWT_SECRET);
        if (env == null) {
            throw new ParameterException(spec.commandLine(),
                    "no signing secret: pass --secret <secret> or set JWT_SECRET (the gateway's secret)");
        }
        return env;
    }

    /** The claims, with a malformed id reported as a usage error. */
    static Tokens.Claims claims(String user, String device, Duration ttl, String issuer, String audience, CommandSpec spec) {
        try {
            return new Tokens.Claims(user, device, ttl, issuer, audience);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static void warnIfShort(String key, CommandSpec spec) {
        if (key.getBytes(StandardCharsets.UTF_8).length < Tokens.MIN_SECRET_BYTES) {
            spec.commandLine().getErr().println("warning: the secret is shorter than " + Tokens.MIN_SECRET_BYTES
                    + " bytes; HS256 wants at least 256 bits (RFC 7518 section 3.2)");
            spec.commandLine().getErr().flush();
        }
    }
}
