package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.osgi.service.event.Event;

import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SshFrontEnd;
import eu.confine.oob.api.host.HostCommand;

/** Live sessions: listed, audited, kicked by the operator, and ended when their key or their sliver goes. */
public class LiveSessionsTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @ClassRule
    public static final TestNode NODE = new TestNode();

    private static TestSlice a;
    private static Path removedKey;
    private static Path keptKey;
    private static TestSlice b;
    private static Path keyB;

    @BeforeClass
    public static void slices() throws Exception {
        a = NODE.slice(TestSlice.Sliver.RUNNING);
        removedKey = a.newKey("removed");
        keptKey = a.newKey("kept");
        b = NODE.slice(TestSlice.Sliver.RUNNING);
        keyB = b.newKey("b");
        b.authorize("restrict,pty " + TestSlice.publicLine(keyB));
        NODE.start();
    }

    @Test
    public void aKeyRemovedFromTheFileEndsItsLiveSessionsWithinASecondAndNoOtherSession() throws Exception {
        a.authorize("restrict,pty " + TestSlice.publicLine(removedKey), "restrict,pty " + TestSlice.publicLine(keptKey));
        Process removed = live(a, removedKey, "sleep 61");
        Process kept = live(a, keptKey, "sleep 62");
        try {
            a.authorize("restrict,pty " + TestSlice.publicLine(keptKey));
            NODE.frontEnd().handleEvent(new Event(SliverEvents.KEYS_WRITTEN, Map.of(SliverEvents.SLICE_ID, a.id.value())));

            assertTrue("the removed key's session must end within a second", removed.waitFor(ONE_SECOND.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(255, removed.exitValue());
            String told = new String(removed.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(told, containsString("slice " + a.id + ": the key of this session is no longer admitted"));
            assertFalse("the client learns nothing of the server's files: " + told, told.contains("authorized_keys"));
            awaitGoneFromSliver(a, "sleep 61");
            assertTrue("the kept key's session stays", kept.isAlive());
            assertTrue(NODE.frontEnd().sessions().stream().anyMatch(session -> session.command().equals("sleep 62")));
        } finally {
            removed.destroyForcibly();
            kept.destroyForcibly();
        }
    }

    @Test
    public void aSliverBeingRemovedLosesAllItsSessionsWithinASecond() throws Exception {
        a.authorize("restrict,pty " + TestSlice.publicLine(removedKey), "restrict,pty " + TestSlice.publicLine(keptKey));
        Process first = live(a, removedKey, "sleep 63");
        Process second = live(a, keptKey, "sleep 64");
        Process otherSlice = live(b, keyB, "sleep 65");
        try {
            NODE.frontEnd().handleEvent(new Event(SliverEvents.REMOVING, Map.of(SliverEvents.SLICE_ID, a.id.value())));

            assertTrue(first.waitFor(ONE_SECOND.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(second.waitFor(ONE_SECOND.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue("another slice's session stays", otherSlice.isAlive());
        } finally {
            first.destroyForcibly();
            second.destroyForcibly();
            otherSlice.destroyForcibly();
        }
    }

    @Test
    public void theOperatorSeesAndKicksSessions() throws Exception {
        a.authorize("restrict,pty " + TestSlice.publicLine(removedKey), "restrict,pty " + TestSlice.publicLine(keptKey));
        Process one = live(a, removedKey, "sleep 66");
        Process other = live(b, keyB, "sleep 67");
        try {
            SshFrontEnd.Session session = NODE.frontEnd().sessions().stream().filter(s -> s.command().equals("sleep 66"))
                    .findFirst().orElseThrow();
            assertEquals(a.id.value(), session.sliceId());
            assertEquals("exec", session.type());
            assertEquals(fingerprint(removedKey), session.keyFingerprint());
            assertThat(session.source(), startsWith("127.0.0.1:"));

            assertFalse(NODE.frontEnd().kick(Long.MAX_VALUE));
            assertTrue(NODE.frontEnd().kick(session.id()));
            assertTrue(one.waitFor(ONE_SECOND.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(other.isAlive());
            assertEquals(1, NODE.frontEnd().kickSlice(b.id));
            assertTrue(other.waitFor(ONE_SECOND.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            one.destroyForcibly();
            other.destroyForcibly();
        }
    }

    @Test
    public void sessionsAreAuditedWithTheApiEventProperties() throws Exception {
        SshResult result = Ssh.run(with(NODE.ssh(b, keyB), "cat; echo hi"), "12345", LIMIT);
        assertEquals(result.toString(), "12345hi\n", result.stdout());

        Event opened = NODE.awaitEvent(SliverEvents.SESSION_OPENED, e -> "cat; echo hi".equals(e.getProperty(SliverEvents.COMMAND)), LIMIT);
        Event closed = NODE.awaitEvent(SliverEvents.SESSION_CLOSED, e -> "cat; echo hi".equals(e.getProperty(SliverEvents.COMMAND)), LIMIT);
        for (Event event : List.of(opened, closed)) {
            assertEquals(b.id.value(), event.getProperty(SliverEvents.SLICE_ID));
            assertEquals("exec", event.getProperty(SliverEvents.SESSION_TYPE));
            assertEquals(fingerprint(keyB), event.getProperty(SliverEvents.KEY_FINGERPRINT));
            assertThat((String) event.getProperty(SliverEvents.SOURCE), startsWith("127.0.0.1:"));
            assertTrue(event.getProperty(SliverEvents.SESSION_ID) instanceof Long);
        }
        assertEquals(opened.getProperty(SliverEvents.SESSION_ID), closed.getProperty(SliverEvents.SESSION_ID));
        assertEquals(5L, closed.getProperty(SliverEvents.BYTES_IN));
        assertEquals(8L, closed.getProperty(SliverEvents.BYTES_OUT));
        assertThat((Long) closed.getProperty(SliverEvents.DURATION_MS), greaterThanOrEqualTo(0L));
    }

    @Test
    public void statusShowsTheAddressHostKeysAndCounts() throws Exception {
        Ssh.run(with(Ssh.command(NODE.port(), keyB, a.user), "true"), "", LIMIT);
        SshFrontEnd.Status status = NODE.frontEnd().status();

        assertEquals("127.0.0.1:" + NODE.port(), status.listenAddress());
        assertEquals(2, status.hostKeyFingerprints().size());
        assertThat(status.hostKeyFingerprints().get(0), startsWith("ssh-ed25519 SHA256:"));
        assertThat(status.hostKeyFingerprints().get(1), startsWith("ssh-rsa SHA256:"));
        assertThat(status.refusedSinceStart(), greaterThanOrEqualTo(1L));
        assertThat(status.authenticatedSinceStart(), greaterThanOrEqualTo(0L));
    }

    @Test
    public void commandsCanBeSwitchedOffWhileTheConsoleStays() throws Exception {
        NODE.start(NODE.settings(Duration.ofSeconds(60), Duration.ofSeconds(10), 16, 10, 10, false));
        try {
            SshResult refused = Ssh.run(with(NODE.ssh(b, keyB), "echo hi"), "", LIMIT);
            assertEquals(refused.toString(), 1, refused.status());
            assertThat(refused.stderr(), containsString("slice " + b.id + ": commands are disabled on this node"));
        } finally {
            NODE.start();
        }
        SshResult control = Ssh.run(with(NODE.ssh(b, keyB), "echo hi"), "", LIMIT);
        assertEquals(control.toString(), "hi\n", control.stdout());
    }

    @Test
    public void theHostKeysSurviveARestart() throws Exception {
        Path knownHosts = NODE.hostKeyDirectory().resolveSibling("known_hosts");
        List<String> first = strict(knownHosts, "accept-new");
        SshResult learned = Ssh.run(first, "", LIMIT);
        assertEquals(learned.toString(), "hi\n", learned.stdout());
        List<String> before = NODE.frontEnd().status().hostKeyFingerprints();

        NODE.start();

        assertEquals(before, NODE.frontEnd().status().hostKeyFingerprints());
        SshResult checked = Ssh.run(strict(knownHosts, "yes"), "", LIMIT);
        assertEquals(checked.toString(), "hi\n", checked.stdout());
    }

    /** ssh that checks the host key against a known_hosts file (the port changes with a restart: no port in it). */
    private static List<String> strict(Path knownHosts, String checking) {
        return List.of("ssh", "-p", Integer.toString(NODE.port()), "-i", keyB.toString(), "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=" + checking, "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "CheckHostIP=no", "-o", "HostKeyAlias=oob-node", "-o", "LogLevel=ERROR", b.user + "@127.0.0.1", "echo hi");
    }

    /** Starts a long-running command and returns once the front end lists its session. */
    private static Process live(TestSlice slice, Path key, String command) throws Exception {
        Process ssh = Ssh.start(with(NODE.ssh(slice, key), command), Map.of());
        NODE.awaitEvent(SliverEvents.SESSION_OPENED, event -> command.equals(event.getProperty(SliverEvents.COMMAND))
                && slice.id.value().equals(event.getProperty(SliverEvents.SLICE_ID)), LIMIT);
        return ssh;
    }

    /** Waits until no process in the sliver runs that command line (the front end destroyed it). */
    private static void awaitGoneFromSliver(TestSlice slice, String command) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        String processes;
        do {
            processes = HostCommand.of("lxc-attach", "-n", slice.container, "--", "ps").check();
            if (!processes.contains(command)) {
                return;
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("'" + command + "' still runs in " + slice.container + ":\n" + processes);
    }

    /** The key's SHA256 fingerprint as ssh-keygen prints it. */
    private static String fingerprint(Path key) {
        return HostCommand.of("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub").check().split(" ")[1];
    }

    private static List<String> with(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }
}
