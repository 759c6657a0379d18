package eu.confine.oob.registry.internal;

import java.lang.annotation.Annotation;

/** A {@link RegistryConfig} for tests: fast polling, short timeouts, no staleness limit unless given. */
final class TestConfig implements RegistryConfig {

    private final String baseUri;
    private final String nodeId;
    private final String containerOf;
    private final String snapshotFile;
    int pollIntervalSeconds = 3600;
    int requestTimeoutSeconds = 2;
    double stalenessLimitHours;
    String trustStore = "";
    String trustStorePassword = "";

    TestConfig(String baseUri, String nodeId, String containerOf, String snapshotFile) {
        this.baseUri = baseUri;
        this.nodeId = nodeId;
        this.containerOf = containerOf;
        this.snapshotFile = snapshotFile;
    }

    @Override
    public String baseUri() {
        return baseUri;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public int pollIntervalSeconds() {
        return pollIntervalSeconds;
    }

    @Override
    public int requestTimeoutSeconds() {
        return requestTimeoutSeconds;
    }

    @Override
    public String trustStore() {
        return trustStore;
    }

    @Override
    public String trustStorePassword() {
        return trustStorePassword;
    }

    @Override
    public double stalenessLimitHours() {
        return stalenessLimitHours;
    }

    @Override
    public String snapshotFile() {
        return snapshotFile;
    }

    @Override
    public String containerOf() {
        return containerOf;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return RegistryConfig.class;
    }
}
