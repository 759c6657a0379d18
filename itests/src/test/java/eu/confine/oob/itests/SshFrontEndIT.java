package eu.confine.oob.itests;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThat;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.MountTable;
import eu.confine.oob.itests.support.OobTestSupport;
import eu.confine.oob.itests.support.OutcomeWatcher;
import eu.confine.oob.itests.support.TestKey;

/**
 * The SSH front end inside our distribution, with the stock OpenSSH clients a slice administrator
 * uses: console, commands, scp (both protocols), sftp and sshfs against real busybox slivers.
 */
public class SshFrontEndIT extends OobTestSupport {

    private static final String PORT = "2233";
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(60);

    private Path work;
    private Path key;
    private String publicKey;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            editConfigurationFilePut("etc/eu.confine.oob.sshd.cfg", "listenAddress", "127.0.0.1"),
            editConfigurationFilePut("etc/eu.confine.oob.sshd.cfg", "port", PORT),
        };
    }

    @Before
    public void makeAdminKey() throws IOException {
        work = Files.createTempDirectory("ssh-it");
        TestKey admin = TestKey.generate(work, "admin", "admin@it");
        key = admin.privateKey();
        publicKey = admin.publicLine();
    }

    @After
    public void removeWork() {
        for (Path mount : List.of(work.resolve("mnt"))) {
            host("fusermount3", "-u", "-z", mount.toString());
        }
        host("rm", "-rf", work.toString());
    }

    @Test
    public void commandsRunInsideTheSliverWithStdinAndExitStatus() throws Exception {
        String slice = deployed(true);
        HostCommand.Result hostname = ssh(slice, "hostname; exit 7");
        assertEquals(hostname.stderr(), 7, hostname.status());
        assertEquals("the sliver's own host name, not the host's", slice, hostname.stdout().strip());

        Path input = work.resolve("input");
        Files.writeString(input, "hello from the admin\n");
        HostCommand.Result copied = run(List.of("sh", "-c", sshLine(slice) + " 'cat > /tmp/in; wc -c < /tmp/in' < " + input));
        assertEquals(copied.stderr(), 0, copied.status());
        assertEquals("21", copied.stdout().strip());
        assertEquals("hello from the admin\n", Files.readString(slivers.rootfs(slice).resolve("tmp/in")));
    }

    @Test
    public void consoleAttachesTypedCommandsRunTheWindowSizeFollowsAndCtrlAQDetaches() throws Exception {
        String slice = deployed(true);
        // ssh in a terminal of its own (script(1)), 100x30 from the start, so it sends its size and its resizes.
        List<String> argv = new ArrayList<>(List.of("ssh", "-tt"));
        argv.addAll(clientOptions("-p"));
        argv.add(slice + "@127.0.0.1");
        Process console = new ProcessBuilder("script", "-qfec", "stty cols 100 rows 30; exec " + String.join(" ", argv), "/dev/null")
                .redirectErrorStream(true).start();
        Screen screen = new Screen(console.getInputStream());
        OutputStream keys = console.getOutputStream();
        for (int attempt = 0; attempt < 40 && !screen.text().contains("#"); attempt++) {
            type(keys, "\r");
            screen.awaitOrNot("#", Duration.ofMillis(500));
        }
        type(keys, "echo con$((40+2))sole\r");
        screen.await("con42sole", Duration.ofSeconds(20));
        slivers.attach(slice, "sh", "-c", "echo from-the-sliver > /dev/console");
        screen.await("from-the-sliver", Duration.ofSeconds(20));

        type(keys, "echo size-$(stty size | tr ' ' x)\r");
        screen.await("size-30x100", Duration.ofSeconds(20));
        String clientTerminal = terminalOf(console);
        // A resize of the client's terminal: the kernel signals ssh (SIGWINCH), which sends a window-change.
        assertOk(run(List.of("stty", "-F", clientTerminal, "cols", "132", "rows", "43")));
        type(keys, "echo size-$(stty size | tr ' ' x)\r");
        screen.await("size-43x132", Duration.ofSeconds(20));
        assertEquals("the sliver's own console has the client's size", "43 132",
                slivers.attach(slice, "stty", "-F", "/dev/console", "size").stdout().strip());

        keys.write(new byte[] {1, 'q'});
        keys.flush();
        assertTrue("ssh ended after Ctrl-a q", console.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(screen.text(), 0, console.exitValue());
    }

    /** The terminal device of the ssh that script(1) started (its only child). */
    private static String terminalOf(Process script) throws IOException {
        ProcessHandle ssh = script.toHandle().children().findFirst()
                .orElseThrow(() -> new AssertionError("script started no ssh"));
        return Files.readSymbolicLink(Path.of("/proc/" + ssh.pid() + "/fd/0")).toString();
    }

    @Test
    public void filesMoveBothWaysWithEveryClientWhileTheSliverIsStopped() throws Exception {
        String slice = deployed(false);
        Path sliverTmp = slivers.rootfs(slice).resolve("tmp");
        Path upload = work.resolve("upload.bin");
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new SecureRandom().nextBytes(data);
        Files.write(upload, data);
        String sum = sha256(upload);

        assertOk(scp(List.of(), upload.toString(), slice + "@127.0.0.1:tmp/up-sftp.bin"));
        assertOk(scp(List.of("-O"), upload.toString(), slice + "@127.0.0.1:tmp/up-legacy.bin"));
        assertEquals(sum, sha256(sliverTmp.resolve("up-sftp.bin")));
        assertEquals(sum, sha256(sliverTmp.resolve("up-legacy.bin")));
        assertEquals("uploads belong to the sliver user", slice, stat("%U", sliverTmp.resolve("up-sftp.bin")));
        assertEquals(slice, stat("%U", sliverTmp.resolve("up-legacy.bin")));

        Files.copy(upload, sliverTmp.resolve("results.bin"));
        assertOk(scp(List.of(), slice + "@127.0.0.1:tmp/results.bin", work.resolve("down-sftp.bin").toString()));
        assertOk(scp(List.of("-O"), slice + "@127.0.0.1:tmp/results.bin", work.resolve("down-legacy.bin").toString()));
        assertEquals(sum, sha256(work.resolve("down-sftp.bin")));
        assertEquals(sum, sha256(work.resolve("down-legacy.bin")));

        Path batch = work.resolve("batch");
        Files.writeString(batch, String.join("\n", "ls /", "cd tmp", "mkdir made", "put " + upload + " made/x.bin",
                "rename made/x.bin made/y.bin", "chmod 4755 made/y.bin", "get made/y.bin " + work.resolve("y.bin"), "ls -l made",
                "rm made/y.bin", "rmdir made", ""));
        HostCommand.Result sftp = sftp(slice, batch);
        assertOk(sftp);
        assertThat("the root shows tmp only", sftp.stdout(), not(containsString(".ssh")));
        assertEquals(sum, sha256(work.resolve("y.bin")));
        assertTrue(Files.notExists(sliverTmp.resolve("made")));

        Path mount = Files.createDirectories(work.resolve("mnt"));
        assertOk(run(List.of("sshfs", "-p", PORT, "-o", "IdentityFile=" + key, "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                slice + "@127.0.0.1:tmp", mount.toString())));
        assertEquals(sum, sha256(mount.resolve("results.bin")));
        Files.writeString(mount.resolve("via-sshfs.txt"), "written through sshfs\n");
        Files.move(mount.resolve("via-sshfs.txt"), mount.resolve("renamed.txt"));
        assertEquals("written through sshfs\n", Files.readString(sliverTmp.resolve("renamed.txt")));
        assertThat(run(List.of("ls", "-l", mount.toString())).stdout(), containsString(slice));
        Files.delete(mount.resolve("renamed.txt"));
        assertTrue(Files.notExists(sliverTmp.resolve("renamed.txt")));
        assertOk(run(List.of("fusermount3", "-u", mount.toString())));

        assertOk(sftp(slice, batchOf(work, "cd tmp", "put " + upload + " uploaded-later", "chmod 6755 uploaded-later")));
        int mode = Integer.parseInt(stat("%a", sliverTmp.resolve("uploaded-later")), 8);
        assertEquals("no setuid or setgid bit ever, got " + Integer.toOctalString(mode), 0, mode & 06000);
        assertEquals("the rest of the chmod is applied", 0755, mode & 0777);
    }

    @Test
    public void aSymlinkPlantedByTheSliverLeadsNowhereWhileRegularFilesWork() throws Exception {
        String slice = deployed(false);
        Path sliverTmp = slivers.rootfs(slice).resolve("tmp");
        Path marker = Files.createTempFile("host-marker", ".txt");
        Files.writeString(marker, "host secret\n");
        Files.createSymbolicLink(sliverTmp.resolve("evil"), marker);
        Files.createSymbolicLink(sliverTmp.resolve("shadow"), Path.of("/etc/shadow"));
        Files.writeString(sliverTmp.resolve("fine"), "sliver data\n");

        assertOk(scp(List.of(), slice + "@127.0.0.1:tmp/fine", work.resolve("fine").toString()));
        assertEquals("sliver data\n", Files.readString(work.resolve("fine")));
        for (String link : List.of("evil", "shadow")) {
            HostCommand.Result read = scp(List.of(), slice + "@127.0.0.1:tmp/" + link, work.resolve(link).toString());
            assertNotEquals("reading through " + link + " must fail", 0, read.status());
            assertTrue(Files.notExists(work.resolve(link)) || Files.size(work.resolve(link)) == 0);
        }
        Path overwrite = work.resolve("overwrite");
        Files.writeString(overwrite, "overwritten\n");
        assertNotEquals(0, scp(List.of(), overwrite.toString(), slice + "@127.0.0.1:tmp/evil").status());
        assertEquals("host secret\n", Files.readString(marker));
        Files.delete(marker);
    }

    @Test
    public void aSlicesKeyNeverOpensAnotherSlice() throws Exception {
        String mine = deployed(true);
        String other = slivers.create();
        slivers.start(other);
        assertEquals(SliverEvents.SLIVER_READY, deploy(other, newPublicKey("someone-else")).getTopic());

        assertOk(ssh(mine, "true"));
        HostCommand.Result refused = ssh(other, "true");
        assertEquals(refused.stderr(), 255, refused.status());
        assertThat(refused.stderr(), containsString("Permission denied"));
        HostCommand.Result password = run(List.of("ssh", "-p", PORT, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "PubkeyAuthentication=no", mine + "@127.0.0.1", "true"));
        assertEquals(255, password.status());
    }

    @Test
    public void updatingOtherBundlesKeepsSessionsUpdatingSshdEndsOnlyItsOwnAndRemovalEndsThem() throws Exception {
        String slice = deployed(true);
        Path tmp = Path.of("/home", slice, "tmp");
        int mountId = MountTable.read().at(tmp).orElseThrow().id();
        String hostKeys = hostKeys();
        Process session = longSession(slice);

        for (String name : List.of("eu.confine.oob.keys", "eu.confine.oob.users", "eu.confine.oob.mounts", "eu.confine.oob.lxc")) {
            bundle(name).update();
        }
        Event afterUpdate = changeKeys(slice, publicKey, newPublicKey("another-admin"));
        assertEquals(OutcomeWatcher.describe(afterUpdate), SliverEvents.SLIVER_READY, afterUpdate.getTopic());
        assertTrue("the session survives the other bundles' updates", session.isAlive());

        bundle("eu.confine.oob.sshd").update();
        assertTrue("updating the sshd bundle ends its sessions", session.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("nothing else changed: the very same mount", mountId, MountTable.read().at(tmp).orElseThrow().id());
        assertTrue("nothing else changed: the sliver is still recorded", sliverRecords.find(SliceId.of(slice)).isPresent());
        // ssh tries once a second until the updated server listens.
        HostCommand.Result again = ssh(slice, "-o", "ConnectionAttempts=30", "echo back");
        assertEquals(again.stderr(), "back", again.stdout().strip());
        assertEquals("the same host keys after the update", hostKeys, hostKeys());

        Process next = longSession(slice);
        assertEquals(SliverEvents.SLIVER_CLEANED, remove(slice).getTopic());
        assertTrue("removal ends the slice's sessions", next.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    private Process longSession(String slice) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ssh"));
        argv.addAll(clientOptions("-p"));
        argv.addAll(List.of(slice + "@127.0.0.1", "echo started; sleep 120"));
        Process session = new ProcessBuilder(argv).redirectErrorStream(true).start();
        new Screen(session.getInputStream()).await("started", Duration.ofSeconds(20));
        return session;
    }

    /** The server's host keys as ssh-keyscan sees them, sorted. */
    private String hostKeys() {
        HostCommand.Result scan = run(List.of("ssh-keyscan", "-p", PORT, "-t", "ed25519,rsa", "127.0.0.1"));
        return scan.stdout().lines().filter(line -> !line.startsWith("#")).sorted().reduce("", (a, b) -> a + b + "\n");
    }

    private String deployed(boolean running) {
        String slice = slivers.create();
        if (running) {
            slivers.start(slice);
        }
        Event outcome = deploy(slice, publicKey);
        assertEquals(OutcomeWatcher.describe(outcome), SliverEvents.SLIVER_READY, outcome.getTopic());
        return slice;
    }

    private HostCommand.Result ssh(String slice, String... optionsAndCommand) {
        List<String> argv = new ArrayList<>(List.of("ssh"));
        argv.addAll(clientOptions("-p"));
        argv.addAll(List.of(optionsAndCommand).subList(0, optionsAndCommand.length - 1));
        argv.addAll(List.of(slice + "@127.0.0.1", optionsAndCommand[optionsAndCommand.length - 1]));
        return run(argv);
    }

    private String sshLine(String slice) {
        return "ssh " + String.join(" ", clientOptions("-p")) + " " + slice + "@127.0.0.1";
    }

    private HostCommand.Result scp(List<String> flags, String from, String to) {
        List<String> argv = new ArrayList<>(List.of("scp", "-q"));
        argv.addAll(flags);
        argv.addAll(clientOptions("-P"));
        argv.addAll(List.of(from, to));
        return run(argv);
    }

    private HostCommand.Result sftp(String slice, Path batch) {
        List<String> argv = new ArrayList<>(List.of("sftp", "-b", batch.toString()));
        argv.addAll(clientOptions("-P"));
        argv.add(slice + "@127.0.0.1");
        return run(argv);
    }

    private static Path batchOf(Path dir, String... lines) throws IOException {
        Path batch = Files.createTempFile(dir, "batch", ".txt");
        Files.writeString(batch, String.join("\n", lines) + "\n");
        return batch;
    }

    private List<String> clientOptions(String portFlag) {
        return List.of(portFlag, PORT, "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR");
    }

    private static HostCommand.Result run(List<String> argv) {
        return HostCommand.of(argv.toArray(new String[0])).timeout(CLIENT_LIMIT).run();
    }

    private static void assertOk(HostCommand.Result result) {
        assertEquals(result.stdout() + result.stderr(), 0, result.status());
    }

    private static String sha256(Path file) {
        return HostCommand.of("sha256sum", file.toString()).check().split(" ")[0];
    }

    private static String stat(String format, Path file) {
        return HostCommand.of("stat", "-c", format, file.toString()).check().strip();
    }

    private static void type(OutputStream keys, String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /** What a client printed so far, read by a thread of its own; the test waits for text to appear. */
    private static final class Screen {
        private final StringBuilder text = new StringBuilder();

        Screen(InputStream stream) {
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try (stream) {
                    for (int n; (n = stream.read(buffer)) > 0; ) {
                        synchronized (this) {
                            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the client ended; the screen keeps what came
                }
            }, "ssh-screen");
            reader.setDaemon(true);
            reader.start();
        }

        synchronized String text() {
            return text.toString();
        }

        synchronized boolean awaitOrNot(String expected, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (text.indexOf(expected) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }

        void await(String expected, Duration limit) throws InterruptedException {
            if (!awaitOrNot(expected, limit)) {
                throw new AssertionError("no '" + expected + "' within " + limit + "; screen: " + text());
            }
        }
    }
}
