package eu.confine.oob.itests;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThat;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;

import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.itests.support.OobTestSupport;
import eu.confine.oob.itests.support.OutcomeWatcher;
import eu.confine.oob.itests.support.ShellResult;
import eu.confine.oob.itests.support.TestSlivers;

/** Our distribution boots with every confine-oob bundle active, and the test fixtures work. */
public class SmokeIT extends OobTestSupport {

    @Inject
    private FeaturesService features;

    @Test
    public void everyBundleOfTheFeatureIsActive() throws Exception {
        Feature feature = features.getFeature("confine-oob");
        assertNotNull("feature confine-oob is known", feature);
        assertTrue("feature confine-oob is installed", features.isInstalled(feature));
        List<String> ours = new ArrayList<>();
        for (BundleInfo info : feature.getBundles()) {
            if (info.getLocation().startsWith("mvn:eu.confine.oob/")) {
                ours.add(info.getLocation().split("/")[1]);
            }
        }
        assertEquals(List.of("eu.confine.oob.api", "eu.confine.oob.lxc", "eu.confine.oob.users", "eu.confine.oob.keys",
                "eu.confine.oob.mounts", "eu.confine.oob.shell", "eu.confine.oob.registry", "eu.confine.oob.sshd"), ours);
        for (String symbolicName : ours) {
            Bundle bundle = bundle(symbolicName);
            assertNotNull(symbolicName + " is installed", bundle);
            assertEquals(symbolicName + " is ACTIVE", Bundle.ACTIVE, bundle.getState());
        }
        assertNotNull("SliverRecords is registered", bundleContext.getServiceReference(SliverRecords.class));
    }

    @Test
    public void featureListShowsConfineOobInstalled() {
        ShellResult list = shell("feature:list -i");
        assertFalse(list.toString(), list.failed());
        assertThat(list.stdout(), containsString("confine-oob"));
        ShellResult wrong = shell("no-such-scope:no-such-command");
        assertTrue("an unknown command throws", wrong.failed());
    }

    @Test
    public void testsRunAsRoot() {
        HostCommand.Result id = host("id", "-u");
        assertEquals(0, id.status());
        assertEquals("0", id.stdout().strip());
    }

    @Test
    public void outcomeWatcherSeesOnlyItsOwnRequest() {
        String mine = newRequestId();
        try (OutcomeWatcher watcher = OutcomeWatcher.open(bundleContext, mine)) {
            eventAdmin.postEvent(new Event(SliverEvents.SLIVER_READY, Map.of(SliverEvents.REQUEST_ID, newRequestId())));
            // not an outcome topic, and one no bundle answers (a real step topic would start the chain)
            eventAdmin.postEvent(new Event("confine/oob/itest/NOT_AN_OUTCOME", Map.of(SliverEvents.REQUEST_ID, mine)));
            eventAdmin.postEvent(new Event(SliverEvents.SLIVER_CLEANED, Map.of(SliverEvents.REQUEST_ID, mine)));
            Event outcome = watcher.await(Duration.ofSeconds(10));
            assertEquals(SliverEvents.SLIVER_CLEANED, outcome.getTopic());
            assertTrue(watcher.drain().isEmpty());
        }
    }

    @Test
    public void busyboxSliverRoundTrip() {
        String name = slivers.create();
        assertFalse(slivers.running(name));
        assertTrue(Files.isDirectory(slivers.rootfs(name).resolve("tmp")));
        slivers.start(name);
        assertTrue(slivers.running(name));
        HostCommand.Result hi = slivers.attach(name, "echo", "hi");
        assertEquals(hi.stderr(), 0, hi.status());
        assertThat(hi.stdout(), is("hi\n"));
        slivers.stop(name);
        assertFalse(slivers.running(name));
        slivers.destroy(name);
        assertFalse(Files.exists(TestSlivers.LXC_PATH.resolve(name)));
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }
}
