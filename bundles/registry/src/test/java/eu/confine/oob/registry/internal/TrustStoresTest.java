package eu.confine.oob.registry.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/** A registry on loopback with a certificate of a private CA: trusted through the configured PEM file or key store only. */
public class TrustStoresTest {

    @ClassRule
    public static final TemporaryFolder FOLDER = new TemporaryFolder();

    private static Path keyStore;
    private static Path pem;
    private HttpsServer server;

    @BeforeClass
    public static void makeCertificate() throws Exception {
        keyStore = FOLDER.getRoot().toPath().resolve("registry.p12");
        pem = FOLDER.getRoot().toPath().resolve("ca.pem");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "secret");
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", keyStore.toString(), "-storepass", "secret", "-file", pem.toString());
    }

    @Before
    public void start() throws Exception {

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, "secret".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "secret".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/api/", exchange -> {
            byte[] body = "{\"slivers\": []}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @After
    public void stop() {
        server.stop(0);
    }

    @Test
    public void aPemFileOrAKeyStoreOfThePrivateCaIsTrusted() throws Exception {
        assertEquals(0, client(pem.toString(), "").get(node()).get("slivers").size());
        assertEquals(0, client(keyStore.toString(), "secret").get(node()).get("slivers").size());
    }

    @Test
    public void withoutItTheRegistryIsNotTrusted() {
        RegistryException e = assertThrows(RegistryException.class, () -> client("", "").get(node()));
        assertThat(e.getMessage(), containsString("SSLHandshakeException"));
    }

    @Test
    public void anUnusableTrustStoreFailsTheConfiguration() throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> client("/nonexistent/ca.pem", ""));
        assertThat(missing.getMessage(), containsString("trustStore /nonexistent/ca.pem cannot be used"));
        assertThrows(IllegalArgumentException.class, () -> client(keyStore.toString(), "wrong"));
        Path empty = Files.writeString(FOLDER.getRoot().toPath().resolve("empty.pem"), "-----BEGIN CERTIFICATE-----\n");
        assertThrows(IllegalArgumentException.class, () -> client(empty.toString(), ""));
    }

    private URI node() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/api/nodes/5");
    }

    private RegistryClient client(String trustStore, String password) {
        TestConfig config = new TestConfig("https://127.0.0.1:" + server.getAddress().getPort() + "/api/", "5", "{slice}", "/tmp/unused.json");
        config.trustStore = trustStore;
        config.trustStorePassword = password;
        return RegistryClient.of(Settings.of(config));
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
