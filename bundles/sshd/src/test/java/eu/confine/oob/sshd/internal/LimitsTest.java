package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtensionInfo;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

/** The configured limits hold: pre-auth connections per source, sessions per slice, channels, auth and idle time. */
public class LimitsTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @ClassRule
    public static final TestNode NODE = new TestNode();

    private static TestSlice a;
    private static Path keyA;
    private static TestSlice b;
    private static Path keyB;
    private static MinaClient mina;

    @BeforeClass
    public static void slices() throws Exception {
        a = NODE.slice(TestSlice.Sliver.RUNNING);
        keyA = a.newKey("a");
        a.authorize("restrict,pty " + TestSlice.publicLine(keyA));
        b = NODE.slice(TestSlice.Sliver.NONE);
        keyB = b.newKey("b");
        b.authorize("restrict,pty " + TestSlice.publicLine(keyB));
        mina = new MinaClient();
    }

    @AfterClass
    public static void stopClient() throws Exception {
        mina.close();
    }

    @Test
    public void unauthenticatedConnectionsPerSourceAreLimited() throws Exception {
        NODE.start(NODE.settings(Duration.ofSeconds(60), Duration.ofSeconds(10), 16, 10, 2, true));
        try (Socket first = new Socket("127.0.0.1", NODE.port())) {
            assertThat(readLine(first), containsString("SSH-2.0-"));
            SshResult control = Ssh.run(with(NODE.ssh(a, keyA), "echo ok"), "", LIMIT);
            assertEquals("second connection (logs in, so it stops counting): " + control, "ok\n", control.stdout());
            try (Socket second = new Socket("127.0.0.1", NODE.port()); Socket third = new Socket("127.0.0.1", NODE.port())) {
                assertThat(readLine(second), containsString("SSH-2.0-"));
                assertTrue("the third unauthenticated connection must be closed", endsWithinLimit(third));
                SshResult refused = Ssh.run(with(NODE.ssh(a, keyA), "echo ok"), "", LIMIT);
                assertEquals(refused.toString(), 255, refused.status());
            }
        }
    }

    @Test
    public void sftpLimitsReplyNamesTheConfiguredHandleLimit() throws Exception {
        // OpenSSH's sftp, scp and sshfs size their request pipeline by this reply: it must be the enforced limit.
        NODE.start(NODE.settings());
        a.mountTmp();
        try (ClientSession session = mina.login(a.user, NODE.port(), keyA);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
            OpenSSHLimitsExtensionInfo limits = sftp.getExtension(OpenSSHLimitsExtension.class).limits();
            assertEquals(256, limits.maxOpenHandles);
            assertTrue("reads of at least 32 KiB: " + limits.maxReadLength, limits.maxReadLength >= 32 * 1024);
        }
    }

    @Test
    public void sessionsPerSliceAreLimited() throws Exception {
        NODE.start(NODE.settings(Duration.ofSeconds(60), Duration.ofSeconds(10), 2, 10, 10, true));
        try (ClientSession one = mina.login(a.user, NODE.port(), keyA);
             ClientSession two = mina.login(a.user, NODE.port(), keyA);
             ClientSession otherSlice = mina.login(b.user, NODE.port(), keyB)) {
            assertTrue(one.isAuthenticated() && two.isAuthenticated() && otherSlice.isAuthenticated());
            assertThrows(Exception.class, () -> mina.login(a.user, NODE.port(), keyA).close());
        }
    }

    @Test
    public void anAllDigitSliceIsOneSliceUnderBothItsNames() throws Exception {
        TestSlice digits = NODE.slice(TestSlice.Sliver.NONE, true);
        Path key = digits.newKey("digits");
        digits.authorize("restrict,pty " + TestSlice.publicLine(key));
        NODE.start(NODE.settings(Duration.ofSeconds(60), Duration.ofSeconds(10), 2, 10, 10, true));
        try (ClientSession byId = mina.login(digits.id.value(), NODE.port(), key);
             ClientSession byUser = mina.login(digits.user, NODE.port(), key)) {
            assertTrue(byId.isAuthenticated() && byUser.isAuthenticated());
            assertEquals(2, NODE.frontEnd().sessions().stream().filter(s -> s.sliceId().equals(digits.id.value())).count());
            assertThrows(Exception.class, () -> mina.login(digits.id.value(), NODE.port(), key).close());
            assertThrows(Exception.class, () -> mina.login(digits.user, NODE.port(), key).close());
        }
    }

    @Test
    public void channelsPerConnectionAreLimited() throws Exception {
        NODE.start(NODE.settings(Duration.ofSeconds(60), Duration.ofSeconds(10), 16, 2, 10, true));
        try (ClientSession session = mina.login(a.user, NODE.port(), keyA)) {
            assertTrue(MinaClient.rawChannel(session).isOpen());
            assertTrue(MinaClient.rawChannel(session).isOpen());
            assertThrows(Exception.class, () -> MinaClient.rawChannel(session));
        }
    }

    @Test
    public void aConnectionThatDoesNotAuthenticateInTimeIsClosed() throws Exception {
        NODE.start(NODE.settings(Duration.ofSeconds(60), Duration.ofSeconds(1), 16, 10, 10, true));
        try (Socket silent = new Socket("127.0.0.1", NODE.port())) {
            assertThat(readLine(silent), containsString("SSH-2.0-"));
            assertTrue("a silent connection must be closed after the auth timeout", endsWithinLimit(silent));
        }
        SshResult control = Ssh.run(with(NODE.ssh(a, keyA), "echo ok"), "", LIMIT);
        assertEquals(control.toString(), "ok\n", control.stdout());
    }

    @Test
    public void anIdleConnectionIsClosedAndABusyOneIsNot() throws Exception {
        NODE.start(NODE.settings(Duration.ofSeconds(1), Duration.ofSeconds(10), 16, 10, 10, true));
        SshResult busy = Ssh.run(with(NODE.ssh(a, keyA), "for i in 1 2 3 4; do echo $i; usleep 500000; done"), "", LIMIT);
        assertEquals(busy.toString(), "1\n2\n3\n4\n", busy.stdout());
        try (ClientSession idle = mina.login(a.user, NODE.port(), keyA)) {
            idle.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), LIMIT);
            assertFalse("the idle connection must be closed", idle.isOpen());
        }
    }

    /** The first line the server sent. */
    private static String readLine(Socket socket) throws Exception {
        socket.setSoTimeout((int) LIMIT.toMillis());
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            line.append((char) c);
        }
        return line.toString();
    }

    /** Whether the server closes the connection within the limit (reading and dropping what it sends). */
    private static boolean endsWithinLimit(Socket socket) throws Exception {
        socket.setSoTimeout((int) LIMIT.toMillis());
        try {
            return socket.getInputStream().readAllBytes().length >= 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException reset) {
            return reset.getMessage() != null && reset.getMessage().toLowerCase().contains("reset");
        }
    }

    private static List<String> with(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }

}
