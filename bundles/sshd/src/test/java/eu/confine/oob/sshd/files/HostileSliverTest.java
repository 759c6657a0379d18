package eu.confine.oob.sshd.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.After;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * A hostile sliver (root in its container, owner of its /tmp) plants symlinks, FIFOs, sockets,
 * devices and hard links, and swaps them under running transfers; not one host file may be read or
 * written, and no server thread may hang. Every refusal is paired with an allowed control.
 */
public class HostileSliverTest {

    private static final int MAX_HANDLES = 8;
    private static final List<String> LINKS = List.of(
            "link-readable", "link-writable", "link-root-marker", "link-shadow", "link-root", "link-up", "link-dir", "link-home");

    @ClassRule
    public static final SliverServer NODE = new SliverServer(MAX_HANDLES);

    private static SliverFixture sliver;
    private static TestSshServer server;
    private static Clients clients;
    private static Path local;
    private static Path upload;
    private static Map<Path, String> markers;
    private static List<String> outsideBefore;
    private static List<String> rootBefore;

    @BeforeClass
    public static void plant() throws IOException {
        sliver = NODE.sliver();
        server = NODE.server();
        clients = new Clients(server, sliver);
        local = Files.createDirectory(sliver.base.resolve("local"));
        upload = Files.writeString(local.resolve("upload.txt"), "uploaded by the admin\n");
        Files.writeString(sliver.tmp("regular.txt"), "regular content\n");
        Files.createSymbolicLink(sliver.tmp("link-readable"), sliver.readableMarker);
        Files.createSymbolicLink(sliver.tmp("link-writable"), sliver.writableMarker);
        Files.createSymbolicLink(sliver.tmp("link-root-marker"), sliver.rootOnlyMarker);
        Files.createSymbolicLink(sliver.tmp("link-shadow"), Path.of("/etc/shadow"));
        Files.createSymbolicLink(sliver.tmp("link-root"), Path.of("/"));
        Files.createSymbolicLink(sliver.tmp("link-up"), Path.of("../../.."));
        Files.createSymbolicLink(sliver.tmp("link-dir"), sliver.outside);
        Files.createSymbolicLink(sliver.tmp("link-home"), sliver.home);
        Host.check("mkfifo", sliver.tmp("fifo").toString());
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(sliver.tmp("socket")));
        }
        Host.check("mknod", sliver.tmp("device").toString(), "c", "1", "5");
        Files.createLink(sliver.tmp("hard-root-only"), sliver.rootOnlyMarker);
        Files.createLink(sliver.tmp("hard-root-group"), sliver.rootGroupMarker);
        Files.createLink(sliver.tmp("hard-user-group"), sliver.userGroupFile);
        // A name that is not UTF-8 cannot be asked for again: it must not break the listing of the others.
        Host.check("sh", "-c", "touch \"" + sliver.sliverTmp + "/$(printf 'bad\\377name')\"");
        markers = new LinkedHashMap<>();
        for (Path marker : List.of(sliver.readableMarker, sliver.writableMarker, sliver.rootOnlyMarker,
                sliver.rootGroupMarker, sliver.userGroupFile)) {
            markers.put(marker, state(marker));
        }
        outsideBefore = list(sliver.outside);
        rootBefore = list(sliver.rootOnlyMarker.getParent());
    }


    @After
    public void hostUntouched() throws IOException {
        for (Map.Entry<Path, String> marker : markers.entrySet()) {
            assertEquals(marker.getKey() + " unchanged (content and time)", marker.getValue(), state(marker.getKey()));
        }
        assertEquals("nothing created outside the tmp", outsideBefore, list(sliver.outside));
        assertEquals("nothing created in root's marker directory", rootBefore, list(sliver.rootOnlyMarker.getParent()));
        assertFalse("nothing created at the host's /", Files.exists(Path.of("/" + sliver.user), LinkOption.NOFOLLOW_LINKS));
        assertFalse("nothing created where ../../.. leads", Files.exists(sliver.base.getParent().resolve(sliver.user),
                LinkOption.NOFOLLOW_LINKS));
        assertEquals("nothing created in the home", List.of(".ssh", "tmp"), list(sliver.home));
    }

    @Test
    public void symlinksAreListedButNeverFollowed() throws IOException {
        Path got = Files.createDirectory(local.resolve("got"));
        String[] gets = LINKS.stream().map(link -> "-get tmp/" + link + " " + got.resolve(link)).toArray(String[]::new);
        Host.Result sftp = clients.sftp(gets);
        assertEquals("every get refused", LINKS.size(), sftp.err().lines().filter(l -> !l.isBlank()).count());
        List<String> sources = new ArrayList<>(LINKS.stream().map(link -> clients.remote("tmp/" + link)).toList());
        sources.add(got.toString());
        assertRefused("scp get of links", clients.scp(false, sources.toArray(String[]::new)));
        for (String link : LINKS) {
            assertRefused("scp -O get " + link, clients.scp(true, clients.remote("tmp/" + link), got.toString()));
        }
        assertEquals("nothing was downloaded", List.of(), list(got));
        assertRefused("sftp put through a link", clients.sftp("put " + upload + " tmp/link-writable"));
        assertRefused("scp put through a link", clients.scp(false, upload.toString(), clients.remote("tmp/link-writable")));
        assertRefused("scp -O put through a link", clients.scp(true, upload.toString(), clients.remote("tmp/link-writable")));
        assertRefused("sftp put into a linked dir", clients.sftp("put " + upload + " tmp/link-dir/new.txt"));
        assertRefused("scp -O put into a linked dir", clients.scp(true, upload.toString(), clients.remote("tmp/link-dir/")));
        assertRefused("sftp mkdir in a linked dir", clients.sftp("mkdir tmp/link-dir/newdir"));
        assertRefused("sftp put into the host's / through a link", clients.sftp("put " + upload + " tmp/link-root/" + sliver.user));
        assertRefused("scp -O put into the host's / through a link", clients.scp(true, upload.toString(), clients.remote("tmp/link-up/" + sliver.user)));
        assertRefused("sftp mkdir in a linked home", clients.sftp("mkdir tmp/link-home/.ssh/x"));
        Host.Result listing = clients.sftp("ls -l tmp/link-dir/", "ls -l tmp/link-home/.ssh/", "ls -l tmp/link-root/");
        assertThat("no listing behind a link", listing.out(), not(containsString("readable")));
        assertThat(listing.out(), not(containsString("authorized_keys")));
        assertThat(listing.out(), not(containsString("etc")));

        Host.Result controls = clients.sftp("ls -l tmp", "get tmp/regular.txt " + local.resolve("regular-sftp.txt"));
        assertEquals(0, controls.status());
        assertThat("links are listed as links", controls.out(), containsString("lrwxrwxrwx"));
        assertThat("a listing with a non-UTF-8 name in it still works", controls.out(), containsString("regular.txt"));
        assertEquals("regular content\n", Files.readString(local.resolve("regular-sftp.txt")));
        clients.scp(true, clients.remote("tmp/regular.txt"), local.resolve("regular-scp.txt").toString()).check("scp -O control");
        assertEquals("regular content\n", Files.readString(local.resolve("regular-scp.txt")));
        clients.sftp("put " + upload + " tmp/upload-control.txt").check("put control");
        assertEquals("uploaded by the admin\n", Files.readString(sliver.tmp("upload-control.txt")));
    }

    @Test
    public void fifosSocketsAndDevicesAreRefusedWithoutBlocking() throws Exception {
        try (RawSftp raw = new RawSftp(server, sliver)) {
            for (String special : List.of("fifo", "socket", "device")) {
                for (SftpClient.OpenMode mode : List.of(SftpClient.OpenMode.Read, SftpClient.OpenMode.Write)) {
                    String what = "open " + special + " for " + mode;
                    Boolean opened = within(what, () -> {
                        try (SftpClient.CloseableHandle handle = raw.sftp.open("tmp/" + special, mode)) {
                            return true;
                        } catch (SftpException e) {
                            return false;
                        }
                    });
                    assertFalse(what, opened);
                }
            }
            try (SftpClient.CloseableHandle handle = raw.sftp.open("tmp/regular.txt", SftpClient.OpenMode.Read)) {
                assertEquals("control: a regular file opens", "regular content\n",
                        new String(read(raw.sftp, handle), StandardCharsets.UTF_8));
            }
        }
        for (String special : List.of("fifo", "socket", "device")) {
            assertRefused("scp -O get " + special, clients.scp(true, clients.remote("tmp/" + special), local.resolve("x").toString()));
            assertRefused("sftp get " + special, clients.sftp("get tmp/" + special + " " + local.resolve("x")));
        }
        assertTrue("the FIFO is still a FIFO: nobody replaced it", Files.readAttributes(sliver.tmp("fifo"),
                PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther());
    }

    @Test
    public void hardLinksToRootsFilesStayUnreadable() throws IOException {
        Host.Result rootOnly = clients.sftp("get tmp/hard-root-only " + local.resolve("h1"));
        assertRefused("root 0600 through a hard link", rootOnly);
        assertThat(rootOnly.err(), containsString("Permission denied"));
        assertRefused("root:root 0640 through a hard link", clients.sftp("get tmp/hard-root-group " + local.resolve("h2")));
        assertRefused("scp -O of root 0600", clients.scp(true, clients.remote("tmp/hard-root-only"), local.resolve("h3").toString()));
        assertRefused("writing root 0600", clients.sftp("put " + upload + " tmp/hard-root-only"));
        clients.sftp("get tmp/hard-user-group " + local.resolve("h4")).check("control: the user's group may read it");
        assertEquals(Files.readString(sliver.userGroupFile), Files.readString(local.resolve("h4")));
    }

    @Test
    public void extensionsOutsideTheAllowListAreRefusedPerRequest() throws IOException {
        Files.writeString(sliver.tmp("ext-source.txt"), "source\n");
        Host.check("chown", sliver.user, sliver.tmp("ext-source.txt").toString());
        try (RawSftp raw = new RawSftp(server, sliver)) {
            assertEquals(3, raw.sftp.getVersion());
            int unsupported = SftpConstants.SSH_FX_OP_UNSUPPORTED;
            assertEquals("copy-file", unsupported, raw.extended("copy-file", b -> {
                b.putString("tmp/ext-source.txt");
                b.putString("tmp/ext-copy.txt");
                b.putBoolean(false);
            }));
            assertEquals("md5-hash", unsupported, raw.extended("md5-hash", b -> {
                b.putString("tmp/hard-root-only");
                b.putLong(0);
                b.putLong(0);
                b.putBytes(new byte[0]);
            }));
            assertEquals("check-file-name", unsupported, raw.extended("check-file-name", b -> {
                b.putString("tmp/link-readable");
                b.putString("sha256");
                b.putLong(0);
                b.putLong(0);
                b.putInt(0);
            }));
            assertEquals("hardlink", unsupported, raw.extended("hardlink@openssh.com", b -> {
                b.putString("tmp/ext-source.txt");
                b.putString("tmp/ext-hardlink.txt");
            }));
            for (String other : List.of("copy-data", "space-available", "version-select", "text-seek",
                    "statvfs@openssh.com", "expand-path@openssh.com", "home-directory")) {
                assertEquals(other, unsupported, raw.extended(other, b -> b.putString("tmp")));
            }
            assertEquals("symlink", unsupported, raw.request(SftpConstants.SSH_FXP_SYMLINK, b -> {
                b.putString("tmp/ext-symlink");
                b.putString("/etc/shadow");
            }));
            assertFalse(Files.exists(sliver.tmp("ext-copy.txt")));
            assertFalse(Files.exists(sliver.tmp("ext-hardlink.txt")));
            assertFalse(Files.exists(sliver.tmp("ext-symlink"), LinkOption.NOFOLLOW_LINKS));

            assertEquals("control: posix-rename", SftpConstants.SSH_FX_OK, raw.extended("posix-rename@openssh.com", b -> {
                b.putString("tmp/ext-source.txt");
                b.putString("tmp/ext-renamed.txt");
            }));
            assertTrue(Files.exists(sliver.tmp("ext-renamed.txt")));
            assertEquals("control: limits answers with data", -1, raw.extended("limits@openssh.com", b -> { }));
            try (SftpClient.CloseableHandle handle = raw.sftp.open("tmp/ext-renamed.txt", SftpClient.OpenMode.Write)) {
                byte[] id = handle.getIdentifier();
                assertEquals("control: fsync", SftpConstants.SSH_FX_OK, raw.extended("fsync@openssh.com", b -> b.putBytes(id)));
            }
            assertEquals("advertised: the allow-list only", SliverSftpSubsystem.ALLOWED_EXTENSIONS,
                    Set.copyOf(raw.sftp.getServerExtensions().keySet().stream()
                            .filter(name -> name.contains("@")).toList()));
        }
    }

    @Test
    public void openHandlesAreLimitedPerChannel() throws IOException {
        try (RawSftp raw = new RawSftp(server, sliver)) {
            List<SftpClient.CloseableHandle> handles = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_HANDLES; i++) {
                    handles.add(raw.sftp.open("tmp/regular.txt", SftpClient.OpenMode.Read));
                }
                try (SftpClient.CloseableHandle extra = raw.sftp.open("tmp/regular.txt", SftpClient.OpenMode.Read)) {
                    fail("handle " + (MAX_HANDLES + 1) + " opened");
                } catch (SftpException expected) {
                    assertEquals(SftpConstants.SSH_FX_FAILURE, expected.getStatus());
                }
                handles.remove(0).close();
                try (SftpClient.CloseableHandle again = raw.sftp.open("tmp/regular.txt", SftpClient.OpenMode.Read)) {
                    assertTrue("control: one closed, one opens", again.isOpen());
                }
            } finally {
                for (SftpClient.CloseableHandle handle : handles) {
                    handle.close();
                }
            }
        }
    }

    // ---- helpers ----

    static void assertRefused(String what, Host.Result result) {
        assertNotEquals(what + ": killed at the deadline, the server hung\n" + result.err(), -1, result.status());
        assertNotEquals(what + " was not refused\n" + result.out(), 0, result.status());
    }

    static <T> T within(String what, Callable<T> call) throws Exception {
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<T> result = runner.submit(call);
            try {
                return result.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                result.cancel(true);
                throw new AssertionError(what + ": no answer within 20 s, the server hung");
            }
        } finally {
            runner.shutdownNow();
        }
    }

    static byte[] read(SftpClient sftp, SftpClient.Handle handle) throws IOException {
        byte[] buffer = new byte[4096];
        int n = sftp.read(handle, 0, buffer, 0, buffer.length);
        return Arrays.copyOf(buffer, Math.max(n, 0));
    }

    static String state(Path path) throws IOException {
        FileTime time = Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
        try (InputStream in = Files.newInputStream(path)) {
            return time + " " + FileTransferTest.hex(FileTransferTest.digest(in.readAllBytes()));
        }
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
