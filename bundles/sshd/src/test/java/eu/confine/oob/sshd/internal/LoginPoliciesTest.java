package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.osgi.service.event.Event;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.login.LoginPolicy;

/**
 * Login policies (the registry follower's staleness policy is one): a refusal of any registered policy refuses every
 * key of that slice before the record or the keys are read, and ends no live session; without a refusal the keys
 * decide as before.
 */
public class LoginPoliciesTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String DENIED = "Permission denied (publickey)";

    @ClassRule
    public static final TestNode NODE = new TestNode();

    private static final Refusing STALENESS = new Refusing();

    private static TestSlice a;
    private static TestSlice b;
    private static Path keyA;
    private static Path secondKeyA;
    private static Path keyB;

    @BeforeClass
    public static void slices() throws Exception {
        a = NODE.slice(TestSlice.Sliver.RUNNING);
        b = NODE.slice(TestSlice.Sliver.NONE);
        keyA = a.newKey("a");
        secondKeyA = a.newKey("second-a");
        keyB = b.newKey("b");
        b.authorize("restrict,pty " + TestSlice.publicLine(keyB));
        NODE.start();
    }

    @After
    public void allowEveryone() throws Exception {
        STALENESS.refused.clear();
        NODE.frontEnd().loginPolicies = List.of();
        a.authorize("restrict,pty " + TestSlice.publicLine(keyA), "restrict,pty " + TestSlice.publicLine(secondKeyA));
    }

    @Test
    public void aRefusingPolicyRefusesEveryKeyOfItsSliceAndOnlyThatSlice() throws Exception {
        a.authorize("restrict,pty " + TestSlice.publicLine(keyA), "restrict,pty " + TestSlice.publicLine(secondKeyA));
        NODE.frontEnd().loginPolicies = List.of(new Refusing(), STALENESS);
        assertAdmitted(a, keyA);

        STALENESS.refused.add(a.id);
        long refusedBefore = NODE.frontEnd().status().refusedSinceStart();
        long acceptedBefore = NODE.frontEnd().status().authenticatedSinceStart();
        assertRefused(a, keyA);
        assertEquals("the refused connection is counted once", refusedBefore + 1, NODE.frontEnd().status().refusedSinceStart());
        assertEquals(acceptedBefore, NODE.frontEnd().status().authenticatedSinceStart());
        assertRefused(a, secondKeyA);
        assertAdmitted(b, keyB);

        STALENESS.refused.clear();
        assertAdmitted(a, keyA);
        assertAdmitted(a, secondKeyA);
    }

    @Test
    public void withoutAnyPolicyTheKeysAloneDecide() throws Exception {
        NODE.frontEnd().loginPolicies = List.of();
        assertAdmitted(a, keyA);
        assertRefused(a, keyB);
    }

    @Test
    public void aRefusingPolicyEndsNoLiveSessionWhenTheKeysChange() throws Exception {
        NODE.frontEnd().loginPolicies = List.of(STALENESS);
        a.authorize("restrict,pty " + TestSlice.publicLine(keyA), "restrict,pty " + TestSlice.publicLine(secondKeyA));
        Process kept = live(a, keyA, "sleep 71");
        Process removed = live(a, secondKeyA, "sleep 72");
        try {
            STALENESS.refused.add(a.id);
            a.authorize("restrict,pty " + TestSlice.publicLine(keyA));
            NODE.frontEnd().handleEvent(new Event(SliverEvents.KEYS_WRITTEN, Map.of(SliverEvents.SLICE_ID, a.id.value())));

            assertTrue("the removed key's session ends (the keys were checked again)", removed.waitFor(LIMIT.toMillis(),
                    TimeUnit.MILLISECONDS));
            assertTrue("the kept key's session stays although new logins are refused", kept.isAlive());
            assertTrue(NODE.frontEnd().sessions().stream().anyMatch(session -> session.command().equals("sleep 71")));
            assertRefused(a, keyA);
        } finally {
            kept.destroyForcibly();
            removed.destroyForcibly();
        }
    }

    @Test
    public void thePolicyIsAskedBeforeTheRecordAndTheKeysAndAFailingPolicyRefuses() throws Exception {
        CountingRecords records = new CountingRecords();
        PublicKey key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<LoginPolicy> policies = new ArrayList<>(List.of(new Refusing(), STALENESS));
        SliverAuthenticator authenticator = new SliverAuthenticator(records, new SliverKeys(Path.of("/nonexistent"),
                Clock.systemUTC()), new Audit(() -> null, Clock.systemUTC()), () -> List.copyOf(policies));
        SliceId slice = SliceId.of("policytest");

        STALENESS.refused.add(slice);
        SliverKeys.Verdict stale = authenticator.check(slice, key, loopback);
        assertFalse(stale.allowed());
        assertEquals("slice policytest: login refused: the registry state is too old", stale.refusal());
        assertEquals("neither record nor keys were read", 0, records.reads.get());

        STALENESS.refused.clear();
        SliverKeys.Verdict keysDecide = authenticator.check(slice, key, loopback);
        assertEquals("slice policytest has no deployed sliver on this node", keysDecide.refusal());
        assertEquals(1, records.reads.get());
        assertNull(authenticator.admits(slice, key, loopback).options());

        policies.add(sliceId -> {
            throw new IllegalStateException("state unknown");
        });
        SliverKeys.Verdict failed = authenticator.check(slice, key, loopback);
        assertFalse(failed.allowed());
        assertThat(failed.refusal(), containsString("slice policytest: login policy "));
        assertThat(failed.refusal(), containsString(" failed: java.lang.IllegalStateException: state unknown"));
        assertEquals(2, records.reads.get());
    }

    /** An exec login that runs a command in the sliver ("in"), or reaches it and finds it not running: authenticated. */
    private static void assertAdmitted(TestSlice slice, Path key) throws Exception {
        SshResult result = Ssh.run(with(NODE.ssh(slice, key), "echo in"), "", LIMIT);
        String notRunning = "slice " + slice.id + ": the sliver is not running";
        assertTrue(key.getFileName() + " for " + slice.user + ": " + result,
                result.status() == 0 && result.stdout().equals("in\n") || result.stderr().startsWith(notRunning));
    }

    private static void assertRefused(TestSlice slice, Path key) throws Exception {
        SshResult result = Ssh.run(with(NODE.ssh(slice, key), "echo in"), "", LIMIT);
        assertEquals(key.getFileName() + " for " + slice.user + ": " + result, 255, result.status());
        assertThat(result.stderr(), containsString(DENIED));
    }

    /** Starts a long-running command and returns once the front end lists its session. */
    private static Process live(TestSlice slice, Path key, String command) throws Exception {
        Process ssh = Ssh.start(with(NODE.ssh(slice, key), command), Map.of());
        NODE.awaitEvent(SliverEvents.SESSION_OPENED, event -> command.equals(event.getProperty(SliverEvents.COMMAND))
                && slice.id.value().equals(event.getProperty(SliverEvents.SLICE_ID)), LIMIT);
        return ssh;
    }

    private static List<String> with(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }

    /** Refuses the slices it is told to, as the registry's staleness policy refuses all of them when its state is too old. */
    private static final class Refusing implements LoginPolicy {
        final Set<SliceId> refused = ConcurrentHashMap.newKeySet();

        @Override
        public Optional<String> refusal(SliceId sliceId) {
            return refused.contains(sliceId) ? Optional.of("slice " + sliceId + ": login refused: the registry state is too old")
                    : Optional.empty();
        }
    }

    /** No records at all; counts how often it was asked. */
    private static final class CountingRecords implements SliverRecords {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Optional<SliverRecord> find(SliceId sliceId) {
            reads.incrementAndGet();
            return Optional.empty();
        }

        @Override
        public List<SliverRecord> all() {
            reads.incrementAndGet();
            return List.of();
        }

        @Override
        public void save(SliverRecord record) {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public void delete(SliceId sliceId) {
            throw new UnsupportedOperationException("read only");
        }
    }
}
