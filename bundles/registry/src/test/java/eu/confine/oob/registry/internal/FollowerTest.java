package eu.confine.oob.registry.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.registry.RegistrySync;

/** The follower against a real registry on loopback whose answers the test changes, and a node that applies what it posts. */
public class FollowerTest {

    private static final SliceId MESH = SliceId.of("00000000001a");
    private static final SliceId DIGITS = SliceId.of("000000000042");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<ScheduledExecutorService> executors = new ArrayList<>();
    private final List<String> containers = new ArrayList<>(List.of("00000000001a", "000000000042"));
    private FixtureRegistry registry;
    private FakeNode node;
    private Path snapshot;

    @Before
    public void start() throws IOException {
        registry = FixtureRegistry.start();
        node = new FakeNode(folder.newFolder("records").toPath());
        snapshot = folder.getRoot().toPath().resolve("state/registry-snapshot.json");
    }

    @After
    public void stop() throws InterruptedException {
        registry.close();
        for (ScheduledExecutorService executor : executors) {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    public void deploysWhatTheRegistryWantsAndUnchangedAnswersPostNothing() throws Exception {
        Follower follower = follower(new TestConfig(registry.base().toString(), "5", "{slice}", snapshot.toString()));

        RegistrySync.Status first = follower.syncNow(WAIT);

        assertEquals(first.lastResult(), List.of("DEPLOYED 00000000001a 2", "DEPLOYED 000000000042 1"), node.take());
        assertEquals("ok: 2 sliver(s) for this node, 2 event(s) posted", first.lastResult());
        SliverRecord mesh = node.records.find(MESH).orElseThrow();
        assertEquals("00000000001a", mesh.container());
        assertThat(mesh.adminKeys().get(0), containsString("alice@lab"));
        assertThat(mesh.adminKeys().get(1), containsString("bob@lab"));
        assertEquals(List.of("slice 00000000004d: expired on 2015-06-30, not run here",
                "slice 000000000058: set_state is register, not deployed here"), first.notes());
        assertEquals(Optional.of(first.lastAttempt().orElseThrow()), first.snapshotTime());
        assertEquals(15, first.resources());
        assertEquals(15, first.etags());
        assertEquals(0, first.notModified());

        RegistrySync.Status second = follower.syncNow(WAIT);

        assertEquals(List.of(), node.take());
        assertEquals(15, second.notModified());
        assertEquals(15, registry.notModified.get());
        assertEquals("ok: 2 sliver(s) for this node, 0 event(s) posted", second.lastResult());
        assertEquals(first.lastAttempt().orElseThrow().plus(Duration.ofHours(1)), second.nextSync().orElseThrow());
    }

    @Test
    public void changesWaitForTheBundlesThatTakeThemAndArePostedSoonAfterTheyStart() throws Exception {
        node.active = false;
        Follower follower = follower(new TestConfig(registry.base().toString(), "5", "{slice}", snapshot.toString()));

        RegistrySync.Status waiting = follower.syncNow(WAIT);

        assertEquals("nothing is posted into the void", List.of(), node.take());
        assertEquals("ok: 2 sliver(s) for this node, 0 event(s) posted", waiting.lastResult());
        assertEquals("tried again soon, not after the poll interval", waiting.lastAttempt().orElseThrow().plus(Duration.ofSeconds(2)),
                waiting.nextSync().orElseThrow());
        node.active = true;
        assertEquals("posted by the follower's own next sync", List.of("DEPLOYED 00000000001a 2", "DEPLOYED 000000000042 1"),
                node.awaitPosted(2, WAIT));
    }

    @Test
    public void adminChangesBecomeKeyChangesAndAGoneSliverIsRemoved() throws Exception {
        Follower follower = follower(new TestConfig(registry.base().toString(), "5", "{slice}", snapshot.toString()));
        follower.syncNow(WAIT);
        node.take();

        registry.removeRole("groups/2", "users/11");
        follower.syncNow(WAIT);
        assertEquals(List.of("KEYS_CHANGED 00000000001a 1"), node.take());
        assertThat(node.records.find(MESH).orElseThrow().adminKeys().toString(), containsString("alice@lab"));

        var alice = registry.json("users/10");
        alice.put("is_active", false);
        registry.put("users/10", alice);
        follower.syncNow(WAIT);
        assertEquals("no admin key left: an empty key file cannot be written, so the sliver goes",
                List.of("REMOVED 00000000001a"), node.take());

        registry.slivers("nodes/5", List.of());
        RegistrySync.Status status = follower.syncNow(WAIT);
        assertEquals(List.of("REMOVED 000000000042"), node.take());
        assertEquals(List.of(), node.records.all());
        assertEquals("ok: 0 sliver(s) for this node, 1 event(s) posted", status.lastResult());
    }

    @Test
    public void failuresChangeNothingAndBackOffUntilTheRegistryAnswersAgain() throws Exception {
        TestConfig config = new TestConfig(registry.base().toString(), "5", "{slice}", snapshot.toString());
        config.pollIntervalSeconds = 60;
        config.requestTimeoutSeconds = 1;
        Follower follower = follower(config);
        RegistrySync.Status good = follower.syncNow(WAIT);
        node.take();
        List<SliverRecord> deployed = node.records.all();
        String savedSnapshot = Files.readString(snapshot);

        List<Long> delays = new ArrayList<>();
        List<FixtureRegistry.Mode> modes = List.of(FixtureRegistry.Mode.UNAVAILABLE, FixtureRegistry.Mode.GARBAGE,
                FixtureRegistry.Mode.HANG, FixtureRegistry.Mode.UNAVAILABLE, FixtureRegistry.Mode.GARBAGE);
        for (FixtureRegistry.Mode mode : modes) {
            registry.mode(mode);
            clock.advance(Duration.ofMinutes(1));
            RegistrySync.Status failed = follower.syncNow(WAIT);
            assertThat(failed.lastResult(), startsWith("failed: " + registry.base().resolve("nodes/5")));
            delays.add(Duration.between(failed.lastAttempt().orElseThrow(), failed.nextSync().orElseThrow()).toSeconds());
            assertEquals(good.snapshotTime(), failed.snapshotTime());
        }
        assertEquals(List.of(60L, 120L, 240L, 480L, 480L), delays);

        registry.mode(FixtureRegistry.Mode.NORMAL);
        registry.slivers("nodes/5", List.of("slivers/26@5"));
        registry.remove("slices/26");
        RegistrySync.Status partial = follower.syncNow(WAIT);
        assertThat("a sliver whose slice cannot be read fails the sync: nothing is removed",
                partial.lastResult(), containsString("slices/26: HTTP 404"));
        assertEquals(6, partial.consecutiveFailures());

        assertEquals(List.of(), node.take());
        assertEquals(deployed, node.records.all());
        assertEquals(savedSnapshot, Files.readString(snapshot));

        registry.mode(FixtureRegistry.Mode.NORMAL);
        registry.slivers("nodes/5", List.of("slivers/26@5", "slivers/66@5"));
        registry.put("slices/26", registry.json("slices/66").put("id", 26).put("group", "x"));
        assertThat(follower.syncNow(WAIT).lastResult(), containsString("group must be an object with a 'uri'"));
        assertEquals(List.of(), node.take());
    }

    @Test
    public void theSnapshotIsFollowedAfterARestartWhileTheRegistryIsDownRemovingNothing() throws Exception {
        TestConfig config = new TestConfig(registry.base().toString(), "5", "{slice}", snapshot.toString());
        Follower first = follower(config);
        RegistrySync.Status synced = first.syncNow(WAIT);
        node.take();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot)));
        assertEquals(List.of("registry-snapshot.json"), Files.list(snapshot.getParent()).map(p -> p.getFileName().toString()).toList());

        // While the node was down: the keys of one sliver were lost, the other sliver's record is gone,
        // and a sliver the registry never knew was deployed by hand.
        node.records.save(node.records.find(MESH).orElseThrow().withAdminKeys(List.of("ssh-ed25519 AAAAold old@lab")));
        node.records.delete(DIGITS);
        node.records.save(new SliverRecord(SliceId.of("byhand"), "byhand", Optional.empty(), List.of("ssh-ed25519 AAAAx x"),
                SliverRecord.Phase.READY));
        registry.close();
        clock.advance(Duration.ofHours(5));

        Follower second = follower(config);
        second.start();
        RegistrySync.Status offline = second.syncNow(WAIT);

        assertEquals(synced.snapshotTime(), offline.snapshotTime());
        assertEquals(Duration.ofHours(5), offline.snapshotAge().orElseThrow());
        assertThat(offline.lastResult(), containsString("ConnectException"));
        assertEquals("the snapshot's keys and deployments, once; no removal",
                List.of("KEYS_CHANGED 00000000001a 2", "DEPLOYED 000000000042 1"), node.take());
        assertTrue(node.records.find(SliceId.of("byhand")).isPresent());
        assertThat(offline.notes().toString(), containsString("slice byhand: not in the last registry state; removed once the registry answers"));
    }

    @Test
    public void stalenessRefusesLoginsOnlyPastTheLimit() throws Exception {
        TestConfig config = new TestConfig(registry.base().toString(), "5", "{slice}", snapshot.toString());
        config.stalenessLimitHours = 2.5;
        Follower follower = follower(config);
        assertEquals("never synced: refused", true, follower.refusal(MESH).isPresent());
        follower.syncNow(WAIT);
        assertEquals(Optional.empty(), follower.refusal(MESH));

        registry.mode(FixtureRegistry.Mode.UNAVAILABLE);
        clock.advance(Duration.ofHours(2).plusMinutes(30));
        assertFalse(follower.syncNow(WAIT).loginsRefused());
        clock.advance(Duration.ofSeconds(1));
        RegistrySync.Status stale = follower.syncNow(WAIT);
        assertTrue(stale.loginsRefused());
        assertEquals(Duration.ofMinutes(150), stale.stalenessLimit());
        assertEquals("slice 00000000001a: login refused: the last good registry state is 2 h 30 min old (2026-03-01T10:00:00Z), "
                + "over the staleness limit of 2 h 30 min", follower.refusal(MESH).orElseThrow());

        registry.mode(FixtureRegistry.Mode.NORMAL);
        assertFalse(follower.syncNow(WAIT).loginsRefused());
        assertEquals(Optional.empty(), follower.refusal(MESH));

        config.stalenessLimitHours = 0;
        Follower keepServing = follower(config);
        assertEquals(Optional.empty(), keepServing.refusal(MESH));
    }

    @Test
    public void aDeploymentWaitsForItsContainerAndAFailedRequestIsNotRepostedAtOnce() throws Exception {
        containers.remove("000000000042");
        Follower follower = follower(new TestConfig(registry.base().toString(), "5", "{slice}", snapshot.toString()));
        RegistrySync.Status waiting = follower.syncNow(WAIT);
        assertEquals(List.of("DEPLOYED 00000000001a 2"), node.take());
        assertThat(waiting.notes().toString(), containsString("slice 000000000042: container 000000000042 does not exist yet"));

        containers.add("000000000042");
        node.answerTo(event -> follower.outcome(new org.osgi.service.event.Event("confine/oob/sliver/FAILED", java.util.Map.of(
                "slice.id", "000000000042", "request.id", event.getProperty("request.id"), "reason", "slice 000000000042: user exists"))));
        follower.syncNow(WAIT);
        assertEquals(List.of("DEPLOYED 000000000042 1"), node.take());
        node.records.delete(DIGITS);
        RegistrySync.Status failed = follower.syncNow(WAIT);
        assertEquals("the same request is not posted again right after it failed", List.of(), node.take());
        assertThat(failed.notes().toString(), containsString("FAILED: slice 000000000042: user exists"));
        clock.advance(Duration.ofHours(10));
        follower.syncNow(WAIT);
        assertEquals(List.of("DEPLOYED 000000000042 1"), node.take());
    }

    private Follower follower(TestConfig config) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        executors.add(executor);
        Settings settings = Settings.of(config);
        RegistryClient client = new RegistryClient(HttpClient.newHttpClient(), settings.requestTimeout());
        Follower follower = new Follower(settings, client, node.records, containers::contains, FakeNode.POLICY, node, node::takes, clock,
                executor);
        node.answerTo(follower::outcome);
        return follower;
    }
}
