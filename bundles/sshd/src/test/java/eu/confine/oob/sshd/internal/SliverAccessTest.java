package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;

import eu.confine.oob.api.host.HostCommand;

/** Commands and the console of real busybox slivers, through the real OpenSSH client. */
public class SliverAccessTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @ClassRule
    public static final TestNode NODE = new TestNode();

    private static TestSlice running;
    private static Path runningKey;
    private static TestSlice stopped;
    private static Path stoppedKey;
    private static TestSlice missing;
    private static Path missingKey;

    @BeforeClass
    public static void slices() throws Exception {
        running = NODE.slice(TestSlice.Sliver.RUNNING);
        runningKey = running.newKey("admin");
        running.authorize("restrict,pty " + TestSlice.publicLine(runningKey));
        stopped = NODE.slice(TestSlice.Sliver.STOPPED);
        stoppedKey = stopped.newKey("admin");
        stopped.authorize("restrict,pty " + TestSlice.publicLine(stoppedKey));
        missing = NODE.slice(TestSlice.Sliver.NONE);
        missingKey = missing.newKey("admin");
        missing.authorize("restrict,pty " + TestSlice.publicLine(missingKey));
        NODE.start();
    }

    @Test
    public void execStreamsStdinStdoutStderrAndReturnsTheExitStatus() throws Exception {
        SshResult result = Ssh.run(with(NODE.ssh(running, runningKey), "read x; echo out:$x; echo err:$x >&2; exit 7"),
                "hello\n", LIMIT);

        assertEquals(result.toString(), 7, result.status());
        assertEquals("out:hello\n", result.stdout());
        assertThat(result.stderr(), containsString("err:hello"));
    }

    @Test
    public void execRunsInsideTheSliverWithItsShell() throws Exception {
        SshResult result = Ssh.run(with(NODE.ssh(running, runningKey), "hostname; cat /proc/1/comm; echo $((6*7))"), "", LIMIT);

        assertEquals(result.toString(), 0, result.status());
        assertEquals(running.container + "\ninit\n42\n", result.stdout());
        assertThat(HostCommand.of("hostname").check().strip(), not(running.container));
    }

    @Test
    public void execStreamsMegabytesBothWaysWithFlowControl() throws Exception {
        SshResult out = Ssh.run(with(NODE.ssh(running, runningKey), "head -c 4194304 /dev/zero"), "", LIMIT);
        SshResult in = Ssh.run(with(NODE.ssh(running, runningKey), "wc -c"), "y".repeat(1 << 20), LIMIT);

        assertEquals(out.toString().length() > 1000 ? "exit " + out.status() : out.toString(), 0, out.status());
        assertEquals(4194304, out.stdout().length());
        assertEquals(in.toString(), "1048576", in.stdout().strip());
    }

    @Test
    public void consoleShowsTheSliversConsoleRunsTypedCommandsAndDetachesWithCtrlAQ() throws Exception {
        Process ssh = Ssh.start(with(NODE.ssh(running, runningKey, "-tt")), Map.of("TERM", "vt100"));
        Expect console = new Expect(ssh.getInputStream(), ssh.getOutputStream());
        Expect errors = new Expect(ssh.getErrorStream(), ssh.getOutputStream());
        try {
            int at = prompt(console);
            console.send("echo con$((40+2))sole\r");
            at = console.await("con42sole", at, LIMIT);
            String marker = "marker-" + UUID.randomUUID();
            HostCommand.of("lxc-attach", "-n", running.container, "--", "sh", "-c", "echo " + marker + " > /dev/console").check();
            console.await(marker, at, LIMIT);
            console.send("\u0001q");
            assertTrue("ssh still running after Ctrl-a q: " + console.text(), ssh.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(errors.text(), 0, ssh.exitValue());
        } finally {
            ssh.destroyForcibly();
        }
    }

    @Test
    public void terminalSizeFollowsTheClientsWindow() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TERM", "vt100");
        env.remove("SSH_AUTH_SOCK");
        PtyProcess ssh = new PtyProcessBuilder(with(NODE.ssh(running, runningKey, "-t"), "stty size; while read x; do stty size; done")
                .toArray(String[]::new)).setEnvironment(env).setInitialColumns(100).setInitialRows(30).start();
        Expect terminal = new Expect(ssh.getInputStream(), ssh.getOutputStream());
        try {
            int at = terminal.await("30 100", 0, LIMIT);
            ssh.setWinSize(new WinSize(120, 40));
            long deadline = System.nanoTime() + LIMIT.toNanos();
            // The window change and the next key travel separately: press Enter until the new size shows.
            do {
                terminal.send("\r");
            } while (!terminal.appears("40 120", at, Duration.ofMillis(300)) && System.nanoTime() < deadline);
            terminal.await("40 120", at, Duration.ZERO);
            terminal.send("\u0004");
            assertTrue(ssh.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(terminal.text(), 0, ssh.exitValue());
        } finally {
            ssh.destroyForcibly();
        }
    }

    @Test
    public void stoppedOrMissingSliverGetsOneLineAndExitStatus1Quickly() throws Exception {
        for (Object[] slice : new Object[][] {{stopped, stoppedKey}, {missing, missingKey}}) {
            TestSlice target = (TestSlice) slice[0];
            String line = "slice " + target.id + ": the sliver is not running; file transfer to tmp/ (scp, sftp, sshfs) still works";
            long started = System.nanoTime();
            SshResult exec = Ssh.run(with(NODE.ssh(target, (Path) slice[1]), "true"), "", LIMIT);
            SshResult console = Ssh.run(with(NODE.ssh(target, (Path) slice[1], "-tt")), "", LIMIT);

            assertEquals(exec.toString(), 1, exec.status());
            assertEquals(line + "\n", exec.stderr());
            assertEquals(console.toString(), 1, console.status());
            assertThat(console.stdout() + console.stderr(), containsString(line));
            assertThat(Duration.ofNanos(System.nanoTime() - started), lessThan(Duration.ofSeconds(10)));
        }
        SshResult control = Ssh.run(with(NODE.ssh(running, runningKey), "true"), "", LIMIT);
        assertEquals(control.toString(), 0, control.status());
    }

    @Test
    public void onlyTerminalVariablesReachTheSliver() throws Exception {
        Map<String, String> env = Map.of("TERM", "xterm-256color", "LC_PAPER", "C", "LD_PRELOAD", "/tmp/evil.so",
                "OOB_TEST", "leak");
        SshResult result = Ssh.run(with(NODE.ssh(running, runningKey, "-tt", "-o", "SendEnv=LD_PRELOAD", "-o", "SendEnv=LC_PAPER",
                "-o", "SendEnv=OOB_TEST"), "env"), "", LIMIT, env);

        assertEquals(result.toString(), 0, result.status());
        assertThat(result.stdout(), containsString("TERM=xterm-256color"));
        assertThat(result.stdout(), containsString("LC_PAPER=C"));
        assertThat(result.stdout(), not(containsString("LD_PRELOAD")));
        assertThat(result.stdout(), not(containsString("OOB_TEST")));
    }

    @Test
    public void whileTheContainerServiceIsAwayConsoleAndCommandsSaySo() throws Exception {
        NODE.frontEnd().containers = null;
        try {
            SshResult exec = Ssh.run(with(NODE.ssh(running, runningKey), "true"), "", LIMIT);
            SshResult console = Ssh.run(NODE.ssh(running, runningKey), "", LIMIT);
            String line = "slice " + running.id + ": the container service is not available right now";
            assertEquals(exec.toString(), 1, exec.status());
            assertThat(exec.stderr(), containsString(line));
            assertEquals(console.toString(), 1, console.status());
            assertThat(console.stderr(), containsString(line));
        } finally {
            NODE.frontEnd().containers = NODE.containers();
        }
        SshResult control = Ssh.run(with(NODE.ssh(running, runningKey), "echo back"), "", LIMIT);
        assertEquals(control.toString(), "back\n", control.stdout());
    }

    /** Presses Enter until busybox's console shows its prompt (it first asks for Enter); returns where it ends. */
    private static int prompt(Expect console) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            int from = console.length();
            console.send("\r");
            if (console.appears("# ", from, Duration.ofMillis(500))) {
                return console.await("# ", from, Duration.ZERO);
            }
        }
        throw new AssertionError("no console prompt within " + LIMIT + "; got: " + console.text());
    }

    private static List<String> with(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }
}
