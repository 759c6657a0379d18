package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.junit.rules.ExternalResource;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import eu.confine.oob.api.internal.FileSliverRecords;
import eu.confine.oob.lxc.internal.LxcContainers;

/**
 * A node for one test class: temp home base, host key directory and sliver records, the real LXC adapter, an event
 * recorder, slices made on demand, and the front end itself listening on a free loopback port.
 */
final class TestNode extends ExternalResource {

    /** Host keys generated once per test JVM (RSA 3072 takes a while) and copied into each node. */
    private static Path generatedHostKeys;

    final List<Event> events = new CopyOnWriteArrayList<>();
    private final TemporaryFolder temp = new TemporaryFolder();
    private final List<TestSlice> slices = new ArrayList<>();
    private Path homeBase;
    private Path keys;
    private Path hostKeys;
    private FileSliverRecords records;
    private LxcContainers containers;
    private SshFrontEndComponent frontEnd;

    @Override
    protected void before() throws Throwable {
        temp.create();
        Path root = temp.getRoot().toPath();
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        homeBase = Files.createDirectory(root.resolve("home"));
        Files.setPosixFilePermissions(homeBase, PosixFilePermissions.fromString("rwxr-xr-x"));
        keys = Files.createDirectory(root.resolve("keys"));
        hostKeys = Files.createDirectory(root.resolve("hostkeys"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try (var files = Files.list(generatedHostKeys())) {
            for (Path file : files.toList()) {
                Files.copy(file, hostKeys.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        records = new FileSliverRecords(root.resolve("records"));
        containers = new LxcContainers(new LxcConfig());
    }

    private static synchronized Path generatedHostKeys() throws Exception {
        if (generatedHostKeys == null) {
            Path directory = Files.createTempDirectory("oob-hostkeys").resolve("keys");
            new HostKeys(directory).loadOrGenerate();
            directory.toFile().deleteOnExit();
            generatedHostKeys = directory;
        }
        return generatedHostKeys;
    }

    @Override
    protected void after() {
        stop();
        slices.forEach(TestSlice::destroy);
        temp.delete();
    }

    TestSlice slice(TestSlice.Sliver sliver) throws IOException {
        return slice(sliver, false);
    }

    /** A slice whose id is all digits if asked (its user name is then "slice" + the id). */
    TestSlice slice(TestSlice.Sliver sliver, boolean allDigits) throws IOException {
        TestSlice slice = TestSlice.create(homeBase, keys, records, sliver, allDigits);
        slices.add(slice);
        return slice;
    }

    FileSliverRecords records() {
        return records;
    }

    Path hostKeyDirectory() {
        return hostKeys;
    }

    /** Test settings: loopback, a free port, a 60 s idle and 10 s auth timeout, generous limits, commands on. */
    Settings settings() {
        return settings(Duration.ofSeconds(60), Duration.ofSeconds(10), 16, 10, 10, true);
    }

    /** Test settings with these timeouts, limits and exec switch. */
    Settings settings(Duration idle, Duration auth, int sessionsPerSlice, int channelsPerConnection, int preAuthPerSource,
            boolean execInSliver) {
        return new Settings("127.0.0.1", 0, hostKeys, homeBase, idle, auth, 6, sessionsPerSlice, channelsPerConnection, 256,
                preAuthPerSource, execInSliver);
    }

    /** (Re)starts the front end. */
    SshFrontEndComponent start(Settings settings) throws Exception {
        stop();
        frontEnd = new SshFrontEndComponent(settings, records, Clock.systemDefaultZone());
        frontEnd.containers = containers;
        frontEnd.events = new Recorder();
        return frontEnd;
    }

    SshFrontEndComponent start() throws Exception {
        return start(settings());
    }

    void stop() {
        if (frontEnd != null) {
            frontEnd.stop();
            frontEnd = null;
        }
    }

    /** The LXC adapter the front end is given (it may be taken away, as when the lxc bundle is updated). */
    LxcContainers containers() {
        return containers;
    }

    SshFrontEndComponent frontEnd() {
        return frontEnd;
    }

    int port() {
        String address = frontEnd.status().listenAddress();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** {@code ssh} as the slice's user with that key; options and the command may follow. */
    List<String> ssh(TestSlice slice, Path key, String... options) {
        return Ssh.command(port(), key, slice.user, options);
    }

    /** Waits for an event of that topic matching the test; returns it. */
    Event awaitEvent(String topic, Predicate<Event> test, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (events) {
            while (true) {
                for (Event event : events) {
                    if (event.getTopic().equals(topic) && test.test(event)) {
                        return event;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching " + topic + " event within " + limit + "; events: " + events);
                }
                events.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Keeps every posted or sent event and wakes those waiting for one. */
    private final class Recorder implements EventAdmin {
        @Override
        public void postEvent(Event event) {
            synchronized (events) {
                events.add(event);
                events.notifyAll();
            }
        }

        @Override
        public void sendEvent(Event event) {
            postEvent(event);
        }
    }

    /** The LXC adapter's configuration: LXC's default path, a generous timeout. */
    private static final class LxcConfig implements LxcContainers.Config {
        @Override
        public String lxcpath() {
            return "";
        }

        @Override
        public int commandTimeoutSeconds() {
            return 20;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return LxcContainers.Config.class;
        }
    }
}
