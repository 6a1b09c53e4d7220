package io.attribution.embedded.testkit;

import io.attribution.embedded.SaslSslListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A key and a self-signed certificate for 127.0.0.1, made by the JDK's {@code keytool} for one test
 * run, and a truststore holding only that certificate: clients that trust it verify the broker's
 * host name as they would in production ({@code ssl.endpoint.identification.algorithm=https}).
 */
final class TestCertificates {

    private TestCertificates() {
    }

    /** A SASL_SSL listener in {@code dir} whose client user is {@code username} with a fresh password. */
    static SaslSslListener saslSsl(Path dir, String username) {
        String storePassword = UUID.randomUUID().toString();
        Path keystore = dir.resolve("broker.p12");
        Path certificate = dir.resolve("broker.crt");
        Path truststore = dir.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", storePassword);
        keytool("-exportcert", "-alias", "broker", "-rfc", "-file", certificate.toString(),
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", storePassword);
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", storePassword);
        return new SaslSslListener(keystore, storePassword, truststore, storePassword, username,
                UUID.randomUUID().toString());
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    static Path directory() {
        try {
            return Files.createTempDirectory("kafka-kit-tls-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for the test certificates", e);
        }
    }
}
