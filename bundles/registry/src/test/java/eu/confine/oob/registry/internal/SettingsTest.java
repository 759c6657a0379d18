package eu.confine.oob.registry.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

import org.junit.Test;

import eu.confine.oob.api.SliceId;

public class SettingsTest {

    @Test
    public void anEmptyBaseUriDisablesTheFollower() {
        assertFalse(Settings.of(config("", "", c -> { })).enabled());
    }

    @Test
    public void theNodeResourceAndTheContainerName() {
        Settings settings = Settings.of(config("https://registry.test/api", "5", c -> c.stalenessLimitHours = 0.5));
        assertEquals(URI.create("https://registry.test/api/nodes/5"), settings.nodeUri());
        assertEquals("00000000001a", settings.container(SliceId.of("00000000001a")));
        assertEquals(Duration.ofMinutes(30), settings.stalenessLimit());
    }

    @Test
    public void badValuesAreRefusedNamingTheAttribute() {
        assertRefused("baseUri", config("ftp://registry.test/", "5", c -> { }));
        assertRefused("baseUri", config("https://user@registry.test/", "5", c -> { }));
        assertRefused("baseUri", config("https:///api", "5", c -> { }));
        assertRefused("nodeId", config("https://registry.test/", "..", c -> { }));
        assertRefused("nodeId", config("https://registry.test/", "", c -> { }));
        assertRefused("pollIntervalSeconds", config("https://registry.test/", "5", c -> c.pollIntervalSeconds = 0));
        assertRefused("requestTimeoutSeconds", config("https://registry.test/", "5", c -> c.requestTimeoutSeconds = 0));
        assertRefused("stalenessLimitHours", config("https://registry.test/", "5", c -> c.stalenessLimitHours = -1));
        assertRefused("stalenessLimitHours", config("https://registry.test/", "5", c -> c.stalenessLimitHours = Double.NaN));
        assertRefused("trustStore", config("https://registry.test/", "5", c -> c.trustStore = "ca.pem"));
        assertRefused("snapshotFile", new TestConfig("https://registry.test/", "5", "{slice}", "snapshot.json"));
        assertRefused("containerOf", new TestConfig("https://registry.test/", "5", "{name}", "/tmp/s.json"));
        assertRefused("containerOf", new TestConfig("https://registry.test/", "5", "fixed", "/tmp/s.json"));
        assertRefused("containerOf", new TestConfig("https://registry.test/", "5", "../{slice}", "/tmp/s.json"));
    }

    private static void assertRefused(String attribute, TestConfig config) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.of(config));
        assertThat(e.getMessage(), containsString(attribute));
    }

    private static TestConfig config(String base, String node, Consumer<TestConfig> change) {
        TestConfig config = new TestConfig(base, node, "{slice}", "/var/lib/confine-oob/registry-snapshot.json");
        change.accept(config);
        return config;
    }
}
