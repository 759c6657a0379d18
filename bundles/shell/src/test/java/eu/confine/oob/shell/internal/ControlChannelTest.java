package eu.confine.oob.shell.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.shell.client.OobClient;

/** The control socket end to end without Karaf: the real server and the real client logic, many times over. */
public class ControlChannelTest {

    private static final int LARGE = 40_000;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private final EchoExecutorFake fake = new EchoExecutorFake();
    private Path socket;
    private ControlServer server;

    @Before
    public void start() throws IOException {
        socket = folder.getRoot().toPath().resolve("run/confine-oob/control.sock");
        server = new ControlServer(socket, fake);
    }

    @After
    public void stop() {
        server.close();
    }

    @Test
    public void hundredRunsInARowGiveCompleteOutputAndTheRightStatus() {
        StringBuilder large = new StringBuilder();
        for (int i = 1; i <= LARGE; i++) {
            large.append(EchoExecutorFake.line(i, LARGE)).append('\n');
        }
        for (int run = 1; run <= 100; run++) {
            assertRun(run, List.of("echo", "--key", "ssh-ed25519 AAAA it's " + run), 0, "'--key' 'ssh-ed25519 AAAA it'\\''s " + run + "'\n", "");
            assertRun(run, List.of("lines", Integer.toString(LARGE)), 0, large.toString(), "");
            assertRun(run, List.of("mixed"), 0, "out 1\nout 2\n", "err 1\nerr 2\n");
            assertRun(run, List.of("fail", "no container"), 1, "partial output\n", "slice demo: FAILED: 'no container'\n");
        }
    }

    @Test
    public void parallelClientsEachGetTheirOwnCompleteOutput() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int client = 0; client < 8; client++) {
                int id = client;
                runs.add(clients.submit(() -> {
                    for (int run = 0; run < 25; run++) {
                        assertRun(run, List.of("echo", "client " + id + " run " + run), 0, "'client " + id + " run " + run + "'\n", "");
                        assertRun(run, List.of("lines", "2000"), 0, lines(2000), "");
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    public void outputStreamsWhileTheCommandRuns() {
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] bytes, int offset, int length) {
                super.write(bytes, offset, length);
                if (toString(StandardCharsets.UTF_8).startsWith("first\n")) {
                    fake.firstLineSeen.countDown();
                }
            }
        };
        int status = OobClient.run(socket, Path.of("/"), List.of("stream"), out, new ByteArrayOutputStream());
        assertThat(out.toString(StandardCharsets.UTF_8), is("first\nsecond\n"));
        assertThat(status, is(0));
    }

    @Test
    public void commandsSeeTheClientDirectoryAndUser() {
        assertRun(0, List.of("pwd"), 0, "/some/where\n", "");
        assertRun(0, List.of("peer"), 0, System.getProperty("user.name") + "\n", "");
    }

    @Test
    public void socketIsOwnerOnlyInAnOwnerOnlyDirectory() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())), is("rwx------"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)), is("rw-------"));
    }

    @Test
    public void closingRemovesTheSocketAndTheClientSaysKarafIsNotRunning() {
        server.close();
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        Result result = run(List.of("echo", "x"));
        assertThat(result.status, is(OobClient.CHANNEL_ERROR));
        assertThat(result.err, is("oob: cannot connect to " + socket + " (No such file or directory): is confine-oob's Karaf running?\n"));
        assertThat(result.out, is(""));
    }

    @Test
    public void staleSocketIsReplacedButALiveOneIsNot() throws IOException {
        assertThrows(IOException.class, () -> new ControlServer(socket, new EchoExecutorFake()));
        server.close();
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), is(true));
        server = new ControlServer(socket, new EchoExecutorFake());
        assertRun(0, List.of("echo", "again"), 0, "'again'\n", "");
    }

    @Test
    public void sharedDirectoryOrNonSocketFileIsRefusedAndLeftAsIs() throws IOException {
        Path shared = folder.newFolder("shared").toPath();
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> new ControlServer(shared.resolve("s.sock"), new EchoExecutorFake()));
        assertThat(e.getMessage(), containsString("must be a directory of"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)), is("rwxrwxrwx"));

        Path plain = socket.resolveSibling("plain.sock");
        Files.writeString(plain, "data");
        assertThrows(IOException.class, () -> new ControlServer(plain, new EchoExecutorFake()));
        assertThat(Files.readString(plain), is("data"));
    }

    @Test
    public void otherUsersCannotReachTheSocketAndArePeerCheckedIfTheyDo() throws Exception {
        Files.setPosixFilePermissions(folder.getRoot().toPath(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(socket.getParent().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Result blocked = runAs("nobody", "echo", "x");
        assertThat(blocked.status, is(OobClient.CHANNEL_ERROR));
        assertThat(blocked.err, containsString("Permission denied"));

        Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        Result refused = runAs("nobody", "echo", "x");
        assertThat(refused.status, is(1));
        assertThat(refused.err, is("oob: only " + System.getProperty("user.name") + " may run commands here\n"));
        assertThat(refused.out, is(""));
    }

    private void assertRun(int run, List<String> args, int status, String out, String err) {
        Result result = run(args);
        String what = "run " + run + " of " + args.get(0);
        assertThat(what + ": stdout", result.out, is(out));
        assertThat(what + ": stderr", result.err, is(err));
        assertThat(what + ": status", result.status, is(status));
    }

    private Result run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = OobClient.run(socket, Path.of("/some/where"), args, out, err);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result runAs(String user, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", user, "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + OobClient.SOCKET_PROPERTY + "=" + socket,
                "-cp", Path.of(OobClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                OobClient.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(Path.of("/").toFile()).start();
        process.getOutputStream().close();
        Future<byte[]> err = Executors.newSingleThreadExecutor().submit(() -> process.getErrorStream().readAllBytes());
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat("client as " + user + " finished", process.waitFor(60, TimeUnit.SECONDS), is(true));
        return new Result(process.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    }

    private static String lines(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            text.append(EchoExecutorFake.line(i, count)).append('\n');
        }
        return text.toString();
    }

    private record Result(int status, String out, String err) {
    }
}
