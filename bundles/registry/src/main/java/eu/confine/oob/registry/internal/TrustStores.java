package eu.confine.oob.registry.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS trust in a private CA: a PEM file of certificates, or a PKCS#12 or JKS key store. */
final class TrustStores {

    private TrustStores() {
    }

    /**
     * An SSL context trusting exactly the certificates of the file.
     *
     * @throws IllegalArgumentException naming the file and the reason if it cannot be used
     */
    static SSLContext sslContext(Path file, String password) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(file, password));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("trustStore " + file + " cannot be used: " + e.getMessage(), e);
        }
    }

    static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        KeyStore store;
        if (new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
            int index = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + index++, certificate);
            }
        } else {
            // PKCS12 is the default type; Java 17 also reads JKS through it.
            store = KeyStore.getInstance(KeyStore.getDefaultType());
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                store.load(in, password.isEmpty() ? null : password.toCharArray());
            }
        }
        if (store.size() == 0) {
            throw new GeneralSecurityException("no certificate in it");
        }
        return store;
    }
}
