package eu.confine.oob.shell.command;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.Test;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SshFrontEnd;
import eu.confine.oob.api.registry.RegistrySync;

/** oob:sessions, oob:kick and oob:status against a front end and a registry follower held in memory. */
public class FrontEndCommandsTest {

    private static final Instant STARTED = Instant.parse("2026-12-04T10:15:30Z");

    private final FakeFrontEnd frontEnd = new FakeFrontEnd();

    @Test
    public void sessionsAreATableWithOneRowPerSession() {
        String started = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault()).format(STARTED);
        assertThat(lines(out -> SessionsCommand.table(frontEnd.sessions()).print(out)), contains(
                "Id | Slice | Source          | Key         | Type    | Started             | Bytes in | Bytes out",
                "---+-------+-----------------+-------------+---------+---------------------+----------+----------",
                " 7 | alpha | 10.0.0.5:40022  | SHA256:abc= | console | " + started + " |       12 |      3456",
                " 9 | beta  | [2001:db8::1]:1 | SHA256:def= | exec    | " + started + " |        0 |        10"));
    }

    @Test
    public void kickClosesOneSessionOrASlicesSessions() {
        KickCommand one = new KickCommand();
        one.sessionId = 7L;
        assertEquals("session 7 closed", one.kick(frontEnd));
        one.sessionId = 8L;
        assertThat(assertThrows(IllegalArgumentException.class, () -> one.kick(frontEnd)).getMessage(),
                containsString("there is no open session 8"));

        KickCommand slice = new KickCommand();
        slice.sliceId = "beta";
        assertEquals("slice beta: 1 session(s) closed", slice.kick(frontEnd));
        assertEquals(List.of("7", "beta"), frontEnd.kicked);

        KickCommand neither = new KickCommand();
        assertThrows(IllegalArgumentException.class, () -> neither.kick(frontEnd));
        KickCommand both = new KickCommand();
        both.sessionId = 7L;
        both.sliceId = "beta";
        assertThrows(IllegalArgumentException.class, () -> both.kick(frontEnd));
    }

    @Test
    public void statusShowsAddressKeysAndCounts() {
        assertThat(lines(out -> StatusCommand.print(frontEnd.status(), out)), contains(
                "listening: 0.0.0.0:2222",
                "host key:  ssh-ed25519 SHA256:host1",
                "host key:  ssh-rsa SHA256:host2",
                "sessions:  2 open",
                "logins:    5 accepted, 3 refused since start"));
    }

    @Test
    public void statusShowsTheLastRegistrySyncAndTheSnapshotsAge() {
        String node = "http://registry.example/api/nodes/5";
        RegistrySync.Status fresh = new RegistrySync.Status(STARTED, true, node, Optional.of(STARTED.minusSeconds(12)),
                Optional.of(STARTED.minusSeconds(12)), "ok: 1 sliver(s) for this node, 0 event(s) posted", 0,
                Optional.of(STARTED.plusSeconds(48)), 6, 6, 6, Optional.of(STARTED.minusSeconds(12)), Duration.ofHours(1), false, List.of());
        assertThat(lines(out -> StatusCommand.printRegistry(new FixedRegistry(fresh), out)), contains(
                "registry:  " + node + ", last sync ok 12 s ago",
                "snapshot:  age 12 s (2026-12-04T10:15:18Z), limit 60 min: logins allowed"));

        RegistrySync.Status stale = new RegistrySync.Status(STARTED, true, node, Optional.of(STARTED.minusSeconds(30)),
                Optional.empty(), "failed: " + node + ": java.net.ConnectException: Connection refused", 3,
                Optional.of(STARTED.plusSeconds(90)), 0, 0, 0, Optional.of(STARTED.minus(Duration.ofHours(3))), Duration.ofHours(2),
                true, List.of());
        assertThat(lines(out -> StatusCommand.printRegistry(new FixedRegistry(stale), out)), contains(
                "registry:  " + node + ", last sync failed 30 s ago (3 failures in a row)",
                "snapshot:  age 3 h 0 min (2026-12-04T07:15:30Z), over the limit of 2 h 0 min: logins REFUSED"));

        RegistrySync.Status never = new RegistrySync.Status(STARTED, true, node, Optional.empty(), Optional.empty(), "no sync yet", 0,
                Optional.empty(), 0, 0, 0, Optional.empty(), Duration.ZERO, false, List.of());
        assertThat(lines(out -> StatusCommand.printRegistry(new FixedRegistry(never), out)), contains(
                "registry:  " + node + ", last sync none yet",
                "snapshot:  none yet, no staleness limit"));
    }

    @Test
    public void statusSaysWhenNoRegistryIsFollowed() {
        assertThat(lines(out -> StatusCommand.printRegistry(null, out)), contains(
                "registry:  not running (bundle eu.confine.oob.registry inactive): logins follow the keys alone"));
        RegistrySync.Status disabled = new RegistrySync.Status(STARTED, false, "", Optional.empty(), Optional.empty(),
                "disabled: no baseUri configured", 0, Optional.empty(), 0, 0, 0, Optional.empty(), Duration.ZERO, false, List.of());
        assertThat(lines(out -> StatusCommand.printRegistry(new FixedRegistry(disabled), out)), contains(
                "registry:  not followed (no baseUri in etc/eu.confine.oob.registry.cfg)"));
        assertThat(lines(out -> StatusCommand.printRegistry(new FixedRegistry(null), out)), contains(
                "registry:  state unavailable: the follower is stopping"));
    }

    @Test
    public void withoutTheFrontEndEachCommandSaysItIsNotRunning() {
        SessionsCommand sessions = new SessionsCommand();
        StatusCommand status = new StatusCommand();
        KickCommand kick = new KickCommand();
        kick.sessionId = 1L;
        for (org.apache.karaf.shell.api.action.Action command : List.of(sessions, status, kick)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, command::execute);
            assertThat(e.getMessage(), containsString("the SSH front end is not running"));
        }
    }

    private static List<String> lines(java.util.function.Consumer<PrintStream> printer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            printer.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().map(String::stripTrailing).toList();
    }

    /** Two sessions, fixed counters, and a record of what was kicked. */
    private static final class FakeFrontEnd implements SshFrontEnd {
        final List<String> kicked = new ArrayList<>();

        @Override
        public Status status() {
            return new Status("0.0.0.0:2222", List.of("ssh-ed25519 SHA256:host1", "ssh-rsa SHA256:host2"), 2, 5, 3);
        }

        @Override
        public List<Session> sessions() {
            return List.of(new Session(7, "alpha", "10.0.0.5:40022", "SHA256:abc=", "console", "", STARTED, 12, 3456),
                    new Session(9, "beta", "[2001:db8::1]:1", "SHA256:def=", "exec", "uptime", STARTED, 0, 10));
        }

        @Override
        public boolean kick(long sessionId) {
            boolean known = sessions().stream().anyMatch(session -> session.id() == sessionId);
            if (known) {
                kicked.add(Long.toString(sessionId));
            }
            return known;
        }

        @Override
        public int kickSlice(SliceId sliceId) {
            kicked.add(sliceId.value());
            return (int) sessions().stream().filter(session -> session.sliceId().equals(sliceId.value())).count();
        }
    }

    /** A registry follower that always reports the same state, or fails when it has none. */
    private record FixedRegistry(RegistrySync.Status state) implements RegistrySync {
        @Override
        public Status status() {
            if (state == null) {
                throw new IllegalStateException("the follower is stopping");
            }
            return state;
        }

        @Override
        public Status syncNow(Duration timeout) {
            throw new UnsupportedOperationException("not in this test");
        }
    }
}
