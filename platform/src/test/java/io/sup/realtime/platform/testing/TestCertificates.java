package io.sup.realtime.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates for mutual-TLS tests, made with the JDK's {@code keytool} only (no
 * openssl on a clean CI machine): a CA, then certificates it signs, each written as the PEM
 * files {@code GRPC_TLS_*} take (chain, PKCS#8 key, CA bundle). EC P-256 keys, and one
 * keytool run per certificate ({@code -signer}, JDK 19+): each run is a JVM start.
 */
public final class TestCertificates {
    private static final String PASS = "changeit";

    private TestCertificates() {
    }

    /** A CA: its key pair lives in {@code store}, its certificate in {@code cert} (PEM). */
    public record Authority(Path dir, String name, Path store, Path cert) {
        /**
         * A certificate for {@code name} signed by this CA, good for both TLS server and client
         * use, naming {@code localhost} and {@code 127.0.0.1}.
         */
        public Identity issue(String name) {
            return issue(name, "-0d", 2);
        }

        /** As {@link #issue(String)}, valid for {@code days} from {@code start} (keytool's -startdate, e.g. "2020/01/01"). */
        public Identity issue(String name, String start, int days) {
            keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                    "-startdate", start, "-validity", String.valueOf(days), "-signer", "ca", "-signerkeypass", PASS,
                    "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth,clientAuth",
                    "-ext", "ku=digitalSignature,keyEncipherment",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASS);
            try {
                KeyStore keys = load(store);
                StringBuilder chain = new StringBuilder();
                for (Certificate certificate : keys.getCertificateChain(name)) {
                    chain.append(pem("CERTIFICATE", certificate.getEncoded()));
                }
                Path chainFile = Files.writeString(dir.resolve(this.name + "-" + name + ".crt"), chain);
                Path keyFile = Files.writeString(dir.resolve(this.name + "-" + name + ".key"),
                        pem("PRIVATE KEY", keys.getKey(name, PASS.toCharArray()).getEncoded()));
                return new Identity(chainFile, keyFile, cert);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One party's PEM files: its certificate chain, its private key, and the CA bundle it trusts. */
    public record Identity(Path cert, Path key, Path ca) {
    }

    /** A new self-signed CA named {@code name} in {@code dir}. */
    public static Authority authority(Path dir, String name) {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-ext", "bc:c", "-ext", "ku=keyCertSign,cRLSign",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASS);
        try {
            Path cert = Files.writeString(dir.resolve(name + "-ca.crt"),
                    pem("CERTIFICATE", load(store).getCertificate("ca").getEncoded()));
            return new Authority(dir, name, store, cert);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASS.toCharArray());
        }
        return keys;
    }

    /** DER as PEM (RFC 7468): keytool cannot export a private key, and PKCS#8 is what Netty reads. */
    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
