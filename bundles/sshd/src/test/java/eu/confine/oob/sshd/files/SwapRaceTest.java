package eu.confine.oob.sshd.files;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The sliver swaps one name between a regular file, a symlink to a host file, a symlink to a host
 * directory and a FIFO, as fast as it can, while sftp, scp, scp -O, sshfs and a raw SFTP client read,
 * write, list, rename and hash that name a fixed number of times. A single host byte read or written,
 * a client killed at its deadline or a server thread left behind fails the test.
 */
public class SwapRaceTest {

    private static final int ROUNDS = 6;
    private static final int RAW_ROUNDS = 150;
    private static final String REGULAR = "regular race content\n";

    @ClassRule
    public static final SliverServer NODE = new SliverServer(64);

    private static SliverFixture sliver;
    private static TestSshServer server;
    private static Clients clients;

    @BeforeClass
    public static void start() throws IOException {
        sliver = NODE.sliver();
        server = NODE.server();
        clients = new Clients(server, sliver);
    }


    @Test
    public void noClientReachesTheHostWhileTheSliverSwapsLinksAndFifos() throws Exception {
        Path arena = Files.createDirectory(sliver.tmp("arena"));
        Host.check("chmod", "0777", arena.toString());
        Path local = Files.createDirectory(sliver.base.resolve("local"));
        Path upload = Files.writeString(local.resolve("upload.txt"), "written by the admin\n");
        String marker = Files.readString(sliver.readableMarker);
        String before = HostileSliverTest.state(sliver.writableMarker) + HostileSliverTest.state(sliver.readableMarker);
        List<String> outsideBefore = HostileSliverTest.list(sliver.outside);
        Path mount = Files.createDirectory(sliver.base.resolve("mnt"));
        Files.writeString(arena.resolve("race"), REGULAR);

        Swapper swapper = new Swapper(arena);
        Thread swapping = new Thread(swapper, "sliver-swapper");
        swapping.start();
        clients.sshfs(mount);
        Map<String, Host.Result> results = new ConcurrentHashMap<>();
        AtomicInteger rawReads = new AtomicInteger();
        AtomicInteger rawRefusals = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Void>> work = new ArrayList<>();
            work.add(() -> {
                List<String> batch = new ArrayList<>();
                for (int i = 0; i < ROUNDS; i++) {
                    batch.add("-get tmp/arena/race " + local.resolve("sftp-" + i));
                    batch.add("-put " + upload + " tmp/arena/race");
                    batch.add("-ls -l tmp/arena");
                    batch.add("-rename tmp/arena/race tmp/arena/moved");
                    batch.add("-rename tmp/arena/moved tmp/arena/race");
                    batch.add("-chmod 4777 tmp/arena/race");
                }
                results.put("sftp", clients.sftp(batch.toArray(String[]::new)));
                return null;
            });
            work.add(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    results.put("scp-get-" + i, clients.scp(false, clients.remote("tmp/arena/race"), local.resolve("scp-" + i).toString()));
                    results.put("scp-put-" + i, clients.scp(false, upload.toString(), clients.remote("tmp/arena/race")));
                }
                return null;
            });
            work.add(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    results.put("scp-O-get-" + i, clients.scp(true, clients.remote("tmp/arena/race"), local.resolve("legacy-" + i).toString()));
                    results.put("scp-O-put-" + i, clients.scp(true, upload.toString(), clients.remote("tmp/arena/race")));
                }
                return null;
            });
            work.add(() -> {
                Path race = mount.resolve("arena/race");
                for (int i = 0; i < ROUNDS; i++) {
                    results.put("sshfs-cat-" + i, Host.run(List.of("cat", race.toString()), null, Clients.DEADLINE_SECONDS));
                    results.put("sshfs-hash-" + i, Host.run(List.of("sha256sum", race.toString()), null, Clients.DEADLINE_SECONDS));
                    results.put("sshfs-ls-" + i, Host.run(List.of("ls", "-l", mount.resolve("arena").toString()), null, Clients.DEADLINE_SECONDS));
                    results.put("sshfs-cp-" + i, Host.run(List.of("cp", upload.toString(), race.toString()), null, Clients.DEADLINE_SECONDS));
                    results.put("sshfs-mv-" + i, Host.run(List.of("mv", race.toString(), mount.resolve("arena/moved-fs").toString()),
                            null, Clients.DEADLINE_SECONDS));
                }
                return null;
            });
            work.add(() -> {
                try (RawSftp raw = new RawSftp(server, sliver)) {
                    for (int i = 0; i < RAW_ROUNDS; i++) {
                        for (SftpClient.OpenMode mode : List.of(SftpClient.OpenMode.Read, SftpClient.OpenMode.Write)) {
                            try (SftpClient.CloseableHandle handle = raw.sftp.open("tmp/arena/race", mode)) {
                                if (mode == SftpClient.OpenMode.Read) {
                                    String got = new String(HostileSliverTest.read(raw.sftp, handle), StandardCharsets.UTF_8);
                                    assertNotEquals("a host file was read", marker, got);
                                    rawReads.incrementAndGet();
                                } else {
                                    raw.sftp.write(handle, 0, "raw write\n".getBytes(StandardCharsets.UTF_8));
                                }
                            } catch (SftpException e) {
                                rawRefusals.incrementAndGet();
                            }
                        }
                    }
                }
                return null;
            });
            List<Future<Void>> running = new ArrayList<>();
            for (Callable<Void> w : work) {
                running.add(pool.submit(w));
            }
            for (Future<Void> r : running) {
                r.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            swapper.stop.set(true);
            swapping.join(TimeUnit.SECONDS.toMillis(30));
            Clients.unmount(mount);
        }

        assertTrue("the sliver swapped the name under the clients (" + swapper.swaps.get() + ")", swapper.swaps.get() > 20);
        assertTrue("control: regular reads got through (" + rawReads + ")", rawReads.get() > 0);
        assertTrue("refusals happened (" + rawRefusals + ")", rawRefusals.get() > 0);
        for (Map.Entry<String, Host.Result> result : results.entrySet()) {
            assertNotEquals(result.getKey() + " was killed at its deadline: " + result.getValue().err(), -1, result.getValue().status());
            assertFalse(result.getKey() + " showed a host file", result.getValue().out().contains(marker.strip()));
        }
        try (var downloads = Files.list(local)) {
            for (Path download : downloads.toList()) {
                assertNotEquals(download + " holds the host file", marker, Files.readString(download));
            }
        }
        assertEquals("host files unchanged", before,
                HostileSliverTest.state(sliver.writableMarker) + HostileSliverTest.state(sliver.readableMarker));
        assertEquals("nothing created outside the tmp", outsideBefore, HostileSliverTest.list(sliver.outside));
        // unix:mode is the whole st_mode, file type included (a regular file is 0100xxx): look at the set-id bits only.
        int mode = (Integer) Files.getAttribute(arena.resolve("race"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertTrue("no set-id bit on the race file, mode " + Integer.toOctalString(mode),
                (mode & 06000) == 0 || !Files.isRegularFile(arena.resolve("race"), LinkOption.NOFOLLOW_LINKS));
        for (Thread thread : ServerThreads.now()) {
            thread.join(TimeUnit.SECONDS.toMillis(20));
            assertFalse("server thread " + thread.getName() + " still running after its client left", thread.isAlive());
        }
        clients.sftp("ls tmp/arena").check("the server still answers");
    }

    /**
     * The sliver shrinks and regrows a file while legacy scp sends it. The protocol announces a length before
     * the data, so the server must send exactly that many bytes: a short count left the client waiting for
     * the rest and the server waiting for the client's answer, both until the deadline.
     */
    @Test
    public void legacyScpDownloadsOfAFileThatChangesSizeEndEveryTime() throws Exception {
        Path arena = Files.createDirectory(sliver.tmp("resizing"));
        Path local = Files.createDirectory(sliver.base.resolve("resized"));
        int completed = 0;
        int reported = 0;
        int downloads = 0;
        try (Resizer resizer = new Resizer(arena.resolve("changing"))) {
            // Until both outcomes were seen a few times (a download meets a shrinking file about one time in six).
            for (int i = 0; i < 400 && (i < 40 || completed < 3 || reported < 3); i++) {
                downloads++;
                Path copy = local.resolve("copy-" + i);
                Host.Result result = clients.scp(true, clients.remote("tmp/resizing/changing"), copy.toString());
                assertNotEquals("scp -O download " + i + " was killed at its deadline: " + result.err(), -1, result.status());
                if (result.status() == 0) {
                    assertOnlyX("download " + i, Files.readAllBytes(copy));
                    completed++;
                } else {
                    assertTrue("download " + i + " says which file changed: " + result.err(),
                            result.err().contains("changing: file changed size"));
                    reported++;
                }
            }
            assertTrue("the sliver rewrote the file under the client (" + resizer.rewrites.get() + ")", resizer.rewrites.get() > 40);
        }
        assertTrue("control: some downloads went through (" + completed + " of " + downloads + ")", completed >= 3);
        assertTrue("some downloads met a shrinking file and said so (" + reported + " of " + downloads + ")", reported >= 3);
        clients.sftp("ls tmp/resizing").check("the server still answers");
    }

    /**
     * A recursive legacy download of a directory in which one file shrinks: as with OpenSSH's scp, that file is
     * reported and every other file of the tree still arrives whole.
     */
    @Test
    public void recursiveLegacyScpCarriesOnAfterAFileThatShrank() throws Exception {
        Path tree = Files.createDirectory(sliver.tmp("tree-resizing"));
        Map<String, String> steady = new TreeMap<>();
        for (int k = 0; k < 12; k++) {
            steady.put("steady-" + k, "steady file " + k + "\n");
            Files.writeString(tree.resolve("steady-" + k), steady.get("steady-" + k));
        }
        Path local = Files.createDirectory(sliver.base.resolve("tree-copies"));
        boolean seen = false;
        try (Resizer resizer = new Resizer(tree.resolve("changing"))) {
            for (int i = 0; i < 400 && !seen; i++) {
                Path copy = local.resolve("copy-" + i);
                Host.Result result = clients.scp(true, "-r", clients.remote("tmp/tree-resizing"), copy.toString());
                assertNotEquals("scp -O -r " + i + " was killed at its deadline: " + result.err(), -1, result.status());
                if (result.status() != 0) {
                    assertTrue("download " + i + " names the file: " + result.err(), result.err().contains("changing: file changed size"));
                    seen = true;
                }
                for (Map.Entry<String, String> file : steady.entrySet()) {
                    assertEquals("download " + i + ": " + file.getKey(), file.getValue(), Files.readString(copy.resolve(file.getKey())));
                }
                if (result.status() == 0) {
                    assertOnlyX("download " + i + ": the changing file", Files.readAllBytes(copy.resolve("changing")));
                }
            }
        }
        assertTrue("a recursive download met the shrinking file", seen);
    }

    /** Bytes of the resized file as the client got them: the sliver's 'x', or zeros where it ended early. */
    private static void assertOnlyX(String what, byte[] got) {
        for (byte b : got) {
            if (b != 'x') {
                throw new AssertionError(what + " holds a byte the sliver never wrote: " + b);
            }
        }
    }

    /** The hostile sliver: truncates a file and writes it again (1 to 16 blocks of 64 KiB of 'x'), round after round. */
    private static final class Resizer implements AutoCloseable {
        final AtomicInteger rewrites = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Resizer(Path file) throws IOException {
            Files.write(file, new byte[0]);
            thread = new Thread(() -> {
                ByteBuffer block = ByteBuffer.wrap("x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII));
                while (!stop.get()) {
                    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        out.truncate(0);
                        for (int k = 0; k < 1 + rewrites.get() % 16; k++) {
                            out.write(block.rewind());
                        }
                        rewrites.incrementAndGet();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "sliver-resizer");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** The hostile sliver: renames prepared entries over {@code race}, round after round. */
    private static final class Swapper implements Runnable {
        private final Path arena;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger swaps = new AtomicInteger();
        private final List<Path> fifos = new ArrayList<>();

        Swapper(Path arena) {
            this.arena = arena;
        }

        @Override
        public void run() {
            Path candidate = arena.resolve("candidate");
            Path race = arena.resolve("race");
            for (int i = 0; !stop.get() && i < 1_000_000; i++) {
                try {
                    Files.deleteIfExists(candidate);
                    switch (i % 4) {
                        case 0 -> {
                            Files.writeString(candidate, REGULAR);
                            Files.setPosixFilePermissions(candidate, PosixFilePermissions.fromString("rw-rw-rw-"));
                        }
                        case 1 -> Files.createSymbolicLink(candidate, sliver.readableMarker);
                        case 2 -> Files.createSymbolicLink(candidate, sliver.outside);
                        default -> candidate = nextFifo();
                    }
                    Files.move(candidate, race, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    swaps.incrementAndGet();
                } catch (IOException e) {
                    // The admin renamed or removed it meanwhile: the next round puts something back.
                } finally {
                    candidate = arena.resolve("candidate");
                }
            }
        }

        private Path nextFifo() {
            if (fifos.isEmpty()) {
                List<String> argv = new ArrayList<>(List.of("mkfifo"));
                for (int k = 0; k < 50; k++) {
                    Path fifo = arena.resolve("fifo-" + swaps.get() + "-" + k);
                    fifos.add(fifo);
                    argv.add(fifo.toString());
                }
                Host.run(argv).check("mkfifo");
            }
            return fifos.remove(0);
        }
    }
}
