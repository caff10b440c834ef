package io.featurex.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A certificate authority made for one test run, and what a TLS broker and its clients need from
 * it: a key store for the broker's own host names, one for another host (to prove hostname
 * verification refuses it), and a trust store holding only this CA. Made with the JDK's keytool,
 * so nothing beyond the JDK is needed and nothing outlives the directory.
 */
public final class TlsMaterial {

    /** PKCS12 key stores hold the key under the store's password. */
    private final String password;

    private final Path trustStore;
    private final Path brokerKeyStore;
    private final Path otherHostKeyStore;

    private TlsMaterial(String password, Path trustStore, Path brokerKeyStore, Path otherHostKeyStore) {
        this.password = password;
        this.trustStore = trustStore;
        this.brokerKeyStore = brokerKeyStore;
        this.otherHostKeyStore = otherHostKeyStore;
    }

    /** A CA, a broker certificate for localhost and 127.0.0.1, and one for {@code other.invalid}. */
    public static TlsMaterial create(Path dir) throws IOException {
        Files.createDirectories(dir);
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path ca = dir.resolve("ca.p12");
        Path caCert = dir.resolve("ca.crt");
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=featurex test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                ca.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password);
        keytool(
                dir,
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca.toString(),
                "-storepass",
                password,
                "-file",
                caCert.toString());
        Path trust = dir.resolve("truststore.p12");
        trustCa(dir, caCert, trust, password);
        Path broker = signed(dir, ca, caCert, password, "broker", "dns:localhost,ip:127.0.0.1");
        Path other = signed(dir, ca, caCert, password, "other", "dns:other.invalid");
        return new TlsMaterial(password, trust, broker, other);
    }

    private static Path signed(Path dir, Path ca, Path caCert, String password, String name, String san)
            throws IOException {
        Path store = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password);
        keytool(
                dir,
                "-certreq",
                "-alias",
                name,
                "-keystore",
                store.toString(),
                "-storepass",
                password,
                "-file",
                csr.toString());
        keytool(
                dir,
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca.toString(),
                "-storepass",
                password,
                "-infile",
                csr.toString(),
                "-outfile",
                cert.toString(),
                "-ext",
                "SAN=" + san,
                "-validity",
                "2");
        // The chain needs the CA in the store before the signed certificate can replace the self-signed one.
        trustCa(dir, caCert, store, password);
        keytool(
                dir,
                "-importcert",
                "-alias",
                name,
                "-file",
                cert.toString(),
                "-keystore",
                store.toString(),
                "-storepass",
                password);
        return store;
    }

    /** Puts the CA's certificate into {@code store} (made if absent) as a trusted entry. */
    private static void trustCa(Path dir, Path caCert, Path store, String password) throws IOException {
        keytool(
                dir,
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                caCert.toString(),
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password);
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }

    public String password() {
        return password;
    }

    public Path trustStore() {
        return trustStore;
    }

    public Path brokerKeyStore() {
        return brokerKeyStore;
    }

    public Path otherHostKeyStore() {
        return otherHostKeyStore;
    }
}
