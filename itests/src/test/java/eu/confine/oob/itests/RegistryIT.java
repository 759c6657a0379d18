package eu.confine.oob.itests;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.endsWith;
import static org.hamcrest.CoreMatchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThat;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SshFrontEnd;
import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.login.LoginPolicy;
import eu.confine.oob.api.registry.RegistrySync;
import eu.confine.oob.itests.support.FixtureRegistry;
import eu.confine.oob.itests.support.OobTestSupport;
import eu.confine.oob.itests.support.ShellResult;
import eu.confine.oob.itests.support.TestKey;

/**
 * The registry follower in our distribution against a CONFINE registry served from inside the container
 * on loopback (fixtures in {@code src/test/resources/registry}, changed while the test runs), with real
 * busybox slivers: deployment with the admins' keys, revocation of a removed admin, removal that keeps the
 * sliver's data, 304 answers that post nothing, and a registry that is down or answers garbage.
 */
public class RegistryIT extends OobTestSupport {

    private static final String PID = "eu.confine.oob.registry";
    private static final Path HOMES = Path.of("/home");
    /** Sliver records of this Karaf only: its follower must never see (and remove) the slivers of other tests on the machine. */
    private static final String RECORDS = "${karaf.data}/registry-it/records";

    @Inject
    protected ConfigurationAdmin configurationAdmin;

    private final List<Event> lifecycle = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Event> outcomes = new LinkedBlockingQueue<>();
    private ServiceRegistration<EventHandler> listener;
    private FixtureRegistry registry;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            editConfigurationFilePut("etc/eu.confine.oob.records.cfg", "directory", RECORDS),
            editConfigurationFilePut("etc/eu.confine.oob.sshd.cfg", "listenAddress", "127.0.0.1"),
            editConfigurationFilePut("etc/eu.confine.oob.sshd.cfg", "port", Integer.toString(freePort())),
            editConfigurationFilePut("etc/eu.confine.oob.sshd.cfg", "hostKeyDirectory", "${karaf.data}/registry-it/hostkeys")};
    }

    @After
    public void stopRegistry() throws Exception {
        configurationAdmin.getConfiguration(PID, "?").update(new Hashtable<>(Map.of("baseUri", "")));
        if (listener != null) {
            listener.unregister();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    public void followsTheRegistryDeploysRevokesAndRemovesButNeverOnAFailedSync() throws Exception {
        long number = 0xa0_0000_0000L * 16 + new SecureRandom().nextInt(1 << 30);
        String slice = slivers.create(String.format("%012x", number));
        slivers.start(slice);
        Files.writeString(slivers.rootfs(slice).resolve("tmp/precious"), "results\n");
        Path keyDirectory = Files.createDirectories(Path.of(System.getProperty("karaf.data"), "registry-it", "client-keys"));
        TestKey alice = TestKey.generate(keyDirectory, "alice", "alice@itest");
        TestKey bob = TestKey.generate(keyDirectory, "bob", "bob@itest");
        TestKey carol = TestKey.generate(keyDirectory, "carol", "carol@itest");
        listen();
        registry = new FixtureRegistry(number, "itest");
        registry.user(10, "alice", true, alice.publicLine());
        registry.user(11, "bob", true, bob.publicLine());
        registry.user(12, "carol", false, carol.publicLine());
        registry.group(List.of(registry.role(10, true, false), registry.role(11, false, true), registry.role(12, true, true)));
        registry.node(false);
        configure();
        awaitTrue("a first sync of a node without slivers", () -> status().lastResult().startsWith("ok: 0 sliver(s)"));

        // A sliver appears: deployed with the keys of its active slice and group admins, who can log in.
        registry.node(true);
        Event ready = awaitOutcome(SliverEvents.SLIVER_READY, slice);
        assertEquals(SliverEvents.DEPLOYED, ready.getProperty(SliverEvents.CAUSE));
        Path keys = HOMES.resolve(slice).resolve(".ssh/authorized_keys");
        assertEquals("restrict,pty " + alice.publicLine() + "\nrestrict,pty " + bob.publicLine() + "\n", Files.readString(keys));
        assertEquals(slice, sliverRecords.find(SliceId.of(slice)).orElseThrow().container());
        assertEquals(List.of(SliverEvents.DEPLOYED), topics());
        assertEquals("results", ssh(alice, slice, "cat", "/tmp/precious").stdout().strip());
        assertEquals("inactive admin", 255, ssh(carol, slice, "true").status());

        // An admin leaves the group: their key line goes at the next sync, and their open sessions end: a command
        // and an sftp download (of a sparse file, at 100 KB/s, so that it is still under way).
        try (RandomAccessFile big = new RandomAccessFile(slivers.rootfs(slice).resolve("tmp/big").toFile(), "rw")) {
            big.setLength(1L << 30);
        }
        Path download = keyDirectory.resolve("big");
        Process bobsSession = sshSession(bob, slice, "sleep", "600");
        Process bobsSftp = sftpSession(bob, slice, "get tmp/big " + download);
        try {
            awaitTrue("bob's command is running and his sftp download under way", () -> sessions(slice).stream()
                    .map(SshFrontEnd.Session::type).toList().contains("exec") && sessions(slice).stream()
                    .anyMatch(s -> s.type().equals("sftp") && s.bytesOut() > 0));
            assertTrue("bob's download is under way", bobsSftp.isAlive());
            registry.group(List.of(registry.role(10, true, false), registry.role(12, true, true)));
            ready = awaitOutcome(SliverEvents.SLIVER_READY, slice);
            assertEquals(SliverEvents.KEYS_CHANGED, ready.getProperty(SliverEvents.CAUSE));
            assertTrue("bob's open sftp session ended within 5 s of the sync", bobsSftp.waitFor(5, TimeUnit.SECONDS));
            assertNotEquals("the download was cut short", 0, bobsSftp.exitValue());
            assertTrue("bob's open session ended", bobsSession.waitFor(10, TimeUnit.SECONDS));
            assertEquals("restrict,pty " + alice.publicLine() + "\n", Files.readString(keys));
            assertEquals(1, ((String[]) lifecycle.get(lifecycle.size() - 1).getProperty(SliverEvents.ADMIN_KEYS)).length);
            awaitTrue("no session of the slice is left", () -> sessions(slice).isEmpty());
        } finally {
            bobsSession.destroyForcibly();
            bobsSftp.destroyForcibly();
            Files.deleteIfExists(download);
        }
        assertEquals("bob's key is refused", 255, ssh(bob, slice, "true").status());
        assertEquals(0, ssh(alice, slice, "true").status());

        // Unchanged resources are answered 304 and post nothing.
        int events = lifecycle.size();
        int notModified = registry.notModified();
        ShellResult unchanged = shell("oob:registry --now");
        assertFalse(unchanged.toString(), unchanged.failed());
        assertEquals(unchanged.stdout(), "6 read, 6 not modified (304), 6 ETags cached", value(unchanged, "resources"));
        assertEquals("allowed", value(unchanged, "logins"));
        ShellResult fresh = shell("oob:status");
        assertFalse(fresh.toString(), fresh.failed());
        assertThat(value(fresh, "registry"), startsWith(registry.base() + "nodes/itest, last sync ok "));
        assertThat(value(fresh, "snapshot"), startsWith("age "));
        assertThat(value(fresh, "snapshot"), endsWith("limit 10 s: logins allowed"));
        assertTrue(registry.notModified() >= notModified + 6);
        assertEquals(events, lifecycle.size());

        // Garbage, 503 and no registry at all: nothing removed, keys unchanged and working, staleness visible.
        // The last good state is read once a sync has failed: a scheduled sync may still have succeeded just before.
        Instant failingSince = Instant.now();
        RegistrySync.Status good = null;
        for (FixtureRegistry.Answer answer : List.of(FixtureRegistry.Answer.GARBAGE, FixtureRegistry.Answer.UNAVAILABLE)) {
            registry.answer(answer);
            ShellResult failed = shell("oob:registry --now");
            assertTrue(failed.toString(), failed.failed());
            assertThat(failed.errorMessage(), startsWith("registry sync failed: " + registry.base() + "nodes/itest: "));
            if (good == null) {
                good = status();
                assertTrue("a failed sync keeps the last good state: " + good, good.snapshotTime().orElseThrow().isBefore(failingSince));
            }
            assertEquals(good.snapshotTime(), status().snapshotTime());
            assertEquals(0, ssh(alice, slice, "true").status());
        }
        registry.stop();
        ShellResult down = shell("oob:registry --now");
        assertTrue(down.toString(), down.failed());
        assertThat(down.errorMessage(), containsString("ConnectException"));
        awaitTrue("logins refused once the state is older than the staleness limit", () -> status().loginsRefused());
        ShellResult stale = shell("oob:registry");
        assertThat(value(stale, "logins"), startsWith("REFUSED"));
        assertThat(value(stale, "snapshot"), startsWith(good.snapshotTime().orElseThrow() + ", age "));
        assertThat(loginPolicy().refusal(SliceId.of(slice)).orElseThrow(), startsWith("slice " + slice + ": login refused"));
        assertEquals("the SSH front end refuses logins while the state is too old", 255, ssh(alice, slice, "true").status());
        ShellResult staleStatus = shell("oob:status");
        assertThat(value(staleStatus, "registry"), containsString(", last sync failed "));
        assertThat(value(staleStatus, "snapshot"), containsString(" (" + good.snapshotTime().orElseThrow() + "), over the limit of 10 s"));
        assertThat(value(staleStatus, "snapshot"), endsWith("logins REFUSED"));
        assertEquals("restrict,pty " + alice.publicLine() + "\n", Files.readString(keys));
        assertTrue(sliverRecords.find(SliceId.of(slice)).isPresent());

        // A restart of the follower while the registry is down: the snapshot is loaded, nothing is removed.
        Bundle follower = bundle("eu.confine.oob.registry");
        follower.stop();
        follower.start();
        awaitTrue("a failed sync after the restart", () -> status().consecutiveFailures() > 0);
        assertEquals(good.snapshotTime(), status().snapshotTime());
        assertTrue(status().loginsRefused());
        assertEquals("restrict,pty " + alice.publicLine() + "\n", Files.readString(keys));
        assertTrue(sliverRecords.find(SliceId.of(slice)).isPresent());
        assertEquals(events, lifecycle.size());

        // The registry is back: the state is fresh and alice logs in again.
        registry.start();
        ShellResult back = shell("oob:registry --now");
        assertFalse(back.toString(), back.failed());
        assertFalse(status().loginsRefused());
        assertEquals(0, ssh(alice, slice, "true").status());
        assertEquals(events, lifecycle.size());

        // The sliver is gone from the node: removed, its data untouched.
        registry.node(false);
        Event cleaned = awaitOutcome(SliverEvents.SLIVER_CLEANED, slice);
        assertEquals(SliverEvents.REMOVED, cleaned.getProperty(SliverEvents.CAUSE));
        assertEquals(2, host("getent", "passwd", slice).status());
        assertTrue(sliverRecords.find(SliceId.of(slice)).isEmpty());
        assertEquals("results\n", Files.readString(slivers.rootfs(slice).resolve("tmp/precious")));
        assertEquals("results", slivers.attach(slice, "cat", "/tmp/precious").stdout().strip());
        assertEquals(List.of(SliverEvents.DEPLOYED, SliverEvents.KEYS_CHANGED, SliverEvents.REMOVED), topics());
        assertFalse(status().loginsRefused());
        assertEquals(255, ssh(alice, slice, "true").status());
    }

    /** Runs a command in the sliver through our SSH front end with the real OpenSSH client; 255 means refused. */
    private HostCommand.Result ssh(TestKey key, String slice, String... command) {
        return HostCommand.of(sshArgv(key, slice, command)).timeout(Duration.ofSeconds(30)).run();
    }

    /** Starts {@code sftp} in batch mode with these commands, at most 800 kbit/s (100 KB/s) per transfer. */
    private Process sftpSession(TestKey key, String slice, String commands) throws IOException {
        String listen = sshFrontEnd().status().listenAddress();
        Process sftp = new ProcessBuilder("sftp", "-F", "/dev/null", "-i", key.privateKey().toString(), "-o", "IdentitiesOnly=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10",
                "-P", listen.substring(listen.lastIndexOf(':') + 1), "-l", "800", "-b", "-", SliceId.of(slice).userName() + "@127.0.0.1")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = sftp.getOutputStream()) {
            in.write((commands + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return sftp;
    }

    /** The front end's open sessions of the slice. */
    private List<SshFrontEnd.Session> sessions(String slice) {
        return sshFrontEnd().sessions().stream().filter(session -> slice.equals(session.sliceId())).toList();
    }

    /** Starts an SSH session that stays open until the front end ends it. */
    private Process sshSession(TestKey key, String slice, String... command) throws IOException {
        return new ProcessBuilder(sshArgv(key, slice, command)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private String[] sshArgv(TestKey key, String slice, String... command) {
        String listen = sshFrontEnd().status().listenAddress();
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-i", key.privateKey().toString(), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=10", "-p", listen.substring(listen.lastIndexOf(':') + 1), SliceId.of(slice).userName() + "@127.0.0.1"));
        argv.addAll(List.of(command));
        return argv.toArray(new String[0]);
    }

    private SshFrontEnd sshFrontEnd() {
        return service(SshFrontEnd.class);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the SSH front end", e);
        }
    }

    private void configure() throws IOException {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("baseUri", registry.base());
        properties.put("nodeId", "itest");
        properties.put("pollIntervalSeconds", 2);
        properties.put("requestTimeoutSeconds", 2);
        properties.put("stalenessLimitHours", 10 / 3600.0);
        properties.put("snapshotFile", Path.of(System.getProperty("karaf.data"), "registry-it", "registry-snapshot.json").toString());
        properties.put("containerOf", "{slice}");
        configurationAdmin.getConfiguration(PID, "?").update(properties);
    }

    /** Collects the follower's lifecycle events and their outcomes (request ids registry-*). */
    private void listen() {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {SliverEvents.DEPLOYED, SliverEvents.KEYS_CHANGED, SliverEvents.REMOVED,
                "confine/oob/sliver/*"});
        props.put(EventConstants.EVENT_FILTER, "(" + SliverEvents.REQUEST_ID + "=registry-*)");
        listener = bundleContext.registerService(EventHandler.class, event -> {
            if (event.getTopic().startsWith(SliverEvents.OUTCOME_PREFIX)) {
                outcomes.add(event);
            } else {
                lifecycle.add(event);
            }
        }, props);
    }

    /** The value of a {@code name: value} line of a command's output. */
    private static String value(ShellResult result, String name) {
        return result.stdout().lines().filter(line -> line.startsWith(name + ":")).map(line -> line.substring(name.length() + 1).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no '" + name + ":' line in " + result));
    }

    private List<String> topics() {
        return lifecycle.stream().map(Event::getTopic).toList();
    }

    private Event awaitOutcome(String topic, String slice) throws InterruptedException {
        long deadline = System.nanoTime() + OUTCOME_TIMEOUT.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            Event event = outcomes.poll(500, TimeUnit.MILLISECONDS);
            if (event != null && slice.equals(event.getProperty(SliverEvents.SLICE_ID))) {
                assertEquals(event.getTopic() + " " + event.getProperty(SliverEvents.REASON), topic, event.getTopic());
                return event;
            }
            if (event != null) {
                seen.add(event.getTopic());
            }
        }
        throw new AssertionError("no " + topic + " for slice " + slice + " within " + OUTCOME_TIMEOUT.toSeconds() + " s; other outcomes: "
                + seen + "; registry: " + status());
    }

    private RegistrySync.Status status() {
        return service(RegistrySync.class).status();
    }

    private LoginPolicy loginPolicy() {
        return service(LoginPolicy.class);
    }

    private <T> T service(Class<T> type) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(Duration.ofSeconds(30).toMillis());
            if (service == null) {
                throw new AssertionError("no " + type.getSimpleName() + " service within 30 s");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + type.getSimpleName(), e);
        } finally {
            tracker.close();
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            synchronized (monitor) {
                monitor.wait(50);
            }
        }
    }
}
