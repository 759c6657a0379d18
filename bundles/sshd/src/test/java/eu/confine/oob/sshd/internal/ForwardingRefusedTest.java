package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Port, agent, X11 and unix-socket forwarding are refused, whatever the client asks; unknown subsystems too. */
public class ForwardingRefusedTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @ClassRule
    public static final TestNode NODE = new TestNode();

    @ClassRule
    public static final TemporaryFolder TEMP = new TemporaryFolder();

    private static TestSlice slice;
    private static Path key;
    private static MinaClient mina;

    @BeforeClass
    public static void slice() throws Exception {
        slice = NODE.slice(TestSlice.Sliver.RUNNING);
        key = slice.newKey("admin");
        slice.authorize("pty " + TestSlice.publicLine(key));
        NODE.start();
        mina = new MinaClient();
    }

    @AfterClass
    public static void stopClient() throws Exception {
        mina.close();
    }

    @Test
    public void remoteForwardingOfPortsAndSocketsIsRefused() throws Exception {
        Path socket = TEMP.getRoot().toPath().resolve("remote.sock");
        for (String forward : List.of("127.0.0.1:0:127.0.0.1:9", socket + ":127.0.0.1:9")) {
            SshResult result = Ssh.run(with(NODE.ssh(slice, key, "-N", "-o", "ExitOnForwardFailure=yes", "-R", forward)), "", LIMIT);
            assertEquals(forward + ": " + result, 255, result.status());
            assertThat(result.stderr(), containsString("remote port forwarding failed"));
        }
        SshResult control = Ssh.run(with(NODE.ssh(slice, key, "-o", "ExitOnForwardFailure=yes"), "echo ok"), "", LIMIT);
        assertEquals(control.toString(), "ok\n", control.stdout());
    }

    @Test
    public void localForwardingOfPortsAndSocketsIsRefused() throws Exception {
        try (ServerSocketChannel target = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            target.configureBlocking(false);
            int targetPort = ((InetSocketAddress) target.getLocalAddress()).getPort();
            for (String to : List.of("127.0.0.1:" + targetPort, "/run/oob-no-such.sock")) {
                int localPort = freePort();
                Process ssh = Ssh.start(with(NODE.ssh(slice, key, "-v", "-N", "-o", "ExitOnForwardFailure=yes",
                        "-L", "127.0.0.1:" + localPort + ":" + to)), Map.of());
                Expect log = new Expect(ssh.getErrorStream(), ssh.getOutputStream());
                try {
                    // This OpenSSH prints "listening" a moment before connections are taken; once the session
                    // loop runs they are (45 of 45 tries here, where waiting for "listening" alone failed 1 in 5).
                    int at = log.await("Local forwarding listening on 127.0.0.1 port " + localPort, 0, LIMIT);
                    log.await("Entering interactive session", at, LIMIT);
                    try (Socket client = connect(localPort, log)) {
                        client.setSoTimeout((int) LIMIT.toMillis());
                        assertEquals("the forwarded connection must be closed", -1, client.getInputStream().read());
                    }
                    log.await("open failed", 0, LIMIT);
                    assertNull("nothing may reach the target", target.accept());
                } finally {
                    ssh.destroyForcibly();
                }
            }
        }
    }

    @Test
    public void directTcpipChannelsCannotBeOpened() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ClientSession session = mina.login(slice.user, NODE.port(), key)) {
            ChannelDirectTcpip tunnel = session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress("127.0.0.1", target.getLocalPort()));
            assertThrows(Exception.class, () -> tunnel.open().verify(LIMIT));
            assertTrue("control: a session channel opens", MinaClient.rawChannel(session).isOpen());
        }
    }

    @Test
    public void globalForwardingRequestsAreRefused() throws Exception {
        try (ClientSession session = mina.login(slice.user, NODE.port(), key)) {
            assertFalse(MinaClient.globalRequest(session, "tcpip-forward", "127.0.0.1", 0));
            assertFalse(MinaClient.globalRequest(session, "streamlocal-forward@openssh.com", "/tmp/oob-forward.sock"));
            assertTrue("control: the connection is still usable", MinaClient.rawChannel(session).isOpen());
        }
    }

    @Test
    public void agentAndX11ForwardingAreRefused() throws Exception {
        try (ClientSession session = mina.login(slice.user, NODE.port(), key)) {
            MinaClient.RawChannel channel = MinaClient.rawChannel(session);
            assertFalse(channel.request("auth-agent-req@openssh.com"));
            assertFalse(channel.request("x11-req", false, "MIT-MAGIC-COOKIE-1", "0123456789abcdef0123456789abcdef", 0));
            assertFalse(channel.request("env", "LD_PRELOAD", "/tmp/evil.so"));
            assertTrue("control: a terminal variable is accepted", channel.request("env", "LANG", "C.UTF-8"));
        }
    }

    @Test
    public void agentForwardingRequestedByOpenSshLeavesNoSocketInTheSliver() throws Exception {
        Path socket = TEMP.getRoot().toPath().resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).start();
        try {
            Expect started = new Expect(agent.getInputStream(), agent.getOutputStream());
            started.await("SSH_AUTH_SOCK=", 0, LIMIT);
            SshResult result = Ssh.run(with(NODE.ssh(slice, key, "-v", "-A"), "echo \"[$SSH_AUTH_SOCK]\""), "", LIMIT,
                    Map.of("SSH_AUTH_SOCK", socket.toString()));
            assertThat(result.stderr(), containsString("Requesting authentication agent forwarding"));
            assertEquals(result.toString(), "[]\n", result.stdout());
        } finally {
            agent.destroyForcibly();
        }
    }

    @Test
    public void x11ForwardingRequestedByOpenSshFails() throws Exception {
        SshResult result = Ssh.run(with(NODE.ssh(slice, key, "-X"), "echo \"[$DISPLAY]\""), "", LIMIT, Map.of("DISPLAY", ":99"));
        assertThat(result.stderr(), containsString("X11 forwarding request failed"));
        assertEquals(result.toString(), "[]\n", result.stdout());
    }

    @Test
    public void unknownSubsystemsAreRefused() throws Exception {
        SshResult result = Ssh.run(with(NODE.ssh(slice, key, "-s"), "shell"), "", LIMIT);
        assertEquals(result.toString(), 255, result.status());
        assertThat(result.stderr(), containsString("subsystem request failed"));
    }

    private static Socket connect(int port, Expect log) throws Exception {
        try {
            return new Socket("127.0.0.1", port);
        } catch (java.net.ConnectException e) {
            throw new AssertionError("cannot connect to ssh's forward on port " + port + "; its log: " + log.text(), e);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static List<String> with(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }

}
