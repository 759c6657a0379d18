package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.host.HostCommand;

/**
 * The front end hands sftp and scp to the file service (tested in depth with the files package), audits them as
 * such, and they work while the sliver is stopped, as the "not running" line promises.
 */
public class FileRoutingTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @ClassRule
    public static final TestNode NODE = new TestNode();

    @ClassRule
    public static final TemporaryFolder LOCAL = new TemporaryFolder();

    private static TestSlice stopped;
    private static Path key;

    @BeforeClass
    public static void slice() throws Exception {
        stopped = NODE.slice(TestSlice.Sliver.STOPPED);
        stopped.mountTmp();
        key = stopped.newKey("admin");
        stopped.authorize("restrict,pty " + TestSlice.publicLine(key));
        NODE.start();
    }

    @Test
    public void sftpAndLegacyScpReachTheStoppedSliversTmp() throws Exception {
        Path local = LOCAL.newFile("results.log").toPath();
        Files.writeString(local, "measurements\n");
        Path batch = LOCAL.newFile("batch").toPath();
        Files.writeString(batch, "cd tmp\nput " + local + " via-sftp.log\nls\nget via-sftp.log " + local + ".back\n");

        SshResult sftp = Ssh.run(client("sftp", "-P", "-b", batch.toString()), "", LIMIT);
        SshResult scp = Ssh.run(with(client("scp", "-P", "-O"), local.toString(), stopped.user + "@127.0.0.1:tmp/via-scp.log"), "", LIMIT);
        SshResult exec = Ssh.run(with(NODE.ssh(stopped, key), "true"), "", LIMIT);

        assertEquals(sftp.toString(), 0, sftp.status());
        assertEquals("measurements\n", Files.readString(Path.of(local + ".back")));
        assertEquals(scp.toString(), 0, scp.status());
        assertEquals("measurements\n", Files.readString(rootfsTmp().resolve("via-sftp.log")));
        assertEquals("measurements\n", Files.readString(rootfsTmp().resolve("via-scp.log")));
        assertThat(exec.stderr(), containsString("the sliver is not running; file transfer to tmp/ (scp, sftp, sshfs) still works"));
        NODE.awaitEvent(SliverEvents.SESSION_CLOSED, event -> "sftp".equals(event.getProperty(SliverEvents.SESSION_TYPE))
                && (Long) event.getProperty(SliverEvents.BYTES_IN) > 13, LIMIT);
        NODE.awaitEvent(SliverEvents.SESSION_CLOSED, event -> "scp".equals(event.getProperty(SliverEvents.SESSION_TYPE))
                && ((String) event.getProperty(SliverEvents.COMMAND)).startsWith("scp -t"), LIMIT);
    }

    private static Path rootfsTmp() {
        return Path.of(HostCommand.of("lxc-config", "lxc.lxcpath").check().strip(), stopped.container, "rootfs", "tmp");
    }

    /** sftp or scp (port option {@code -P}) with the options of {@link Ssh#command}. */
    private static List<String> client(String tool, String portOption, String... options) {
        List<String> argv = new ArrayList<>(List.of(tool, portOption, Integer.toString(NODE.port()), "-i", key.toString(),
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"));
        argv.addAll(List.of(options));
        if (tool.equals("sftp")) {
            argv.add(stopped.user + "@127.0.0.1");
        }
        return argv;
    }

    private static List<String> with(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }
}
