package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

import eu.confine.oob.api.SliverRecord;

/** Who may log in: slice users with a listed key whose options allow this login, nobody else. */
public class AuthenticationTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String DENIED = "Permission denied (publickey)";

    @ClassRule
    public static final TestNode NODE = new TestNode();

    private static TestSlice a;
    private static TestSlice b;
    private static Path keyA;
    private static Path keyB;
    private static Path fromElsewhere;
    private static Path fromHere;
    private static Path fromPatterns;
    private static Path expired;
    private static Path notYetExpired;
    private static Path noPty;
    private static Path withCommand;
    private static Path twiceFrom;
    private static SshClient client;

    @BeforeClass
    public static void slices() throws Exception {
        a = NODE.slice(TestSlice.Sliver.RUNNING);
        b = NODE.slice(TestSlice.Sliver.NONE);
        keyA = a.newKey("a");
        keyB = b.newKey("b");
        fromElsewhere = a.newKey("from-elsewhere");
        fromHere = a.newKey("from-here");
        fromPatterns = a.newKey("from-patterns");
        expired = a.newKey("expired");
        notYetExpired = a.newKey("not-yet-expired");
        noPty = a.newKey("no-pty");
        withCommand = a.newKey("with-command");
        twiceFrom = a.newKey("twice-from");
        a.authorize("restrict,pty " + TestSlice.publicLine(keyA),
                "restrict,pty,from=\"10.0.0.0/8\" " + TestSlice.publicLine(fromElsewhere),
                "restrict,pty,from=\"127.0.0.1\" " + TestSlice.publicLine(fromHere),
                "restrict,pty,from=\"10.0.0.0/8,127.0.0.*,!192.168.0.0/16\" " + TestSlice.publicLine(fromPatterns),
                "restrict,pty,expiry-time=\"20200101\" " + TestSlice.publicLine(expired),
                "restrict,pty,expiry-time=\"29991231235959\" " + TestSlice.publicLine(notYetExpired),
                "restrict,pty,no-pty " + TestSlice.publicLine(noPty),
                "command=\"/bin/true\" " + TestSlice.publicLine(withCommand),
                "from=\"127.0.0.1\",from=\"127.0.0.1\" " + TestSlice.publicLine(twiceFrom));
        b.authorize("restrict,pty " + TestSlice.publicLine(keyB));
        NODE.start();
        client = SshClient.setUpDefaultClient();
        client.start();
    }

    @AfterClass
    public static void stopClient() throws Exception {
        client.stop();
    }

    @Test
    public void aListedKeyLogsIntoItsSliceOnly() throws Exception {
        assertAdmitted(a, keyA);
        assertAdmitted(b, keyB);
        assertRefused(b, keyA);
        assertRefused(a, keyB);
    }

    @Test
    public void unknownUsersAreRefused() throws Exception {
        assertRefused(a.user.replace("oobssh", "oobnon"), keyA);
        assertRefused("root", keyA);
        assertRefused("no.such.slice", keyA);
        assertRefused("Upper", keyA);
    }

    @Test
    public void aSliverBeingRemovedAdmitsNobody() throws Exception {
        SliverRecord record = NODE.records().find(b.id).orElseThrow();
        NODE.records().save(record.withPhase(SliverRecord.Phase.REMOVING));
        try {
            assertRefused(b, keyB);
        } finally {
            NODE.records().save(record);
        }
        assertAdmitted(b, keyB);
    }

    @Test
    public void passwordsAreNeitherOfferedNorAccepted() throws Exception {
        SshResult openssh = Ssh.run(with(NODE.ssh(a, keyA, "-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password,keyboard-interactive"), "true"), "", LIMIT);
        assertEquals(openssh.toString(), 255, openssh.status());
        assertThat(openssh.stderr(), containsString(DENIED));

        try (ClientSession session = connect(a.user)) {
            session.addPasswordIdentity("secret");
            assertThrows(Exception.class, () -> session.auth().verify(LIMIT));
            assertFalse(session.isAuthenticated());
        }
        try (ClientSession session = connect(a.user)) {
            session.addPublicKeyIdentity(load(keyA));
            assertTrue(session.auth().verify(LIMIT).isSuccess());
        }
    }

    @Test
    public void fromIsMatchedAgainstTheClientAddress() throws Exception {
        assertRefused(a, fromElsewhere);
        assertAdmitted(a, fromHere);
        assertAdmitted(a, fromPatterns);
    }

    @Test
    public void anExpiredKeyIsRefused() throws Exception {
        assertRefused(a, expired);
        assertAdmitted(a, notYetExpired);
    }

    @Test
    public void optionsThisServerDoesNotEnforceRefuseTheKey() throws Exception {
        assertRefused(a, withCommand);
        assertRefused(a, twiceFrom);
        assertAdmitted(a, keyA);
    }

    @Test
    public void aNoPtyKeyRunsCommandsButGetsNoTerminalNorConsole() throws Exception {
        SshResult exec = Ssh.run(with(NODE.ssh(a, noPty), "echo works"), "", LIMIT);
        SshResult forcedTerminal = Ssh.run(with(NODE.ssh(a, noPty, "-tt"), "tty"), "", LIMIT);
        SshResult console = Ssh.run(NODE.ssh(a, noPty), "", LIMIT);
        SshResult controlTerminal = Ssh.run(with(NODE.ssh(a, keyA, "-tt"), "tty"), "", LIMIT);

        assertEquals(exec.toString(), "works\n", exec.stdout());
        // OpenSSH gives up when a terminal it was told to force (-tt) is refused.
        assertThat(forcedTerminal.stderr(), containsString("PTY allocation request failed"));
        assertFalse(forcedTerminal.toString(), forcedTerminal.stdout().contains("/dev/pts/"));
        assertEquals(console.toString(), 1, console.status());
        assertThat(console.stderr(), containsString("slice " + a.id + ": this key may not open a terminal (no-pty)"));
        assertThat(controlTerminal.stdout(), containsString("/dev/pts/"));
    }

    private static void assertAdmitted(TestSlice slice, Path key) throws Exception {
        SshResult result = Ssh.run(with(NODE.ssh(slice, key), "echo in"), "", LIMIT);
        String notRunning = "slice " + slice.id + ": the sliver is not running";
        assertTrue(key.getFileName() + " for " + slice.user + ": " + result,
                result.status() == 0 && result.stdout().equals("in\n") || result.stderr().startsWith(notRunning));
    }

    private static void assertRefused(TestSlice slice, Path key) throws Exception {
        assertRefused(slice.user, key);
    }

    private static void assertRefused(String user, Path key) throws Exception {
        SshResult result = Ssh.run(with(Ssh.command(NODE.port(), key, user), "echo in"), "", LIMIT);
        assertEquals(key.getFileName() + " for " + user + ": " + result, 255, result.status());
        assertThat(result.stderr(), containsString(DENIED));
    }

    private static ClientSession connect(String user) throws Exception {
        return client.connect(user, "127.0.0.1", NODE.port()).verify(LIMIT).getSession();
    }

    private static KeyPair load(Path key) throws Exception {
        try (InputStream in = Files.newInputStream(key)) {
            return SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.toString()), in, null).iterator().next();
        }
    }

    private static List<String> with(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }
}
