package eu.confine.oob.sshd.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * What a slice admin does with stock clients: sftp, scp over SFTP, legacy scp and sshfs, all confined
 * to the sliver's tmp, files owned by the sliver user and never set-id.
 */
public class FileTransferTest {

    @ClassRule
    public static final SliverServer NODE = new SliverServer(64);

    private static SliverFixture sliver;
    private static TestSshServer server;
    private static Clients clients;
    private static Path local;
    private static Path payload;

    @BeforeClass
    public static void start() throws IOException {
        sliver = NODE.sliver();
        server = NODE.server();
        clients = new Clients(server, sliver);
        local = Files.createDirectory(sliver.base.resolve("local"));
        payload = local.resolve("payload.bin");
        byte[] bytes = new byte[3 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(bytes);
        Files.write(payload, bytes);
    }


    @Test
    public void sftpShowsOnlyTmpAtTheRootAndWorksInside() throws IOException {
        Files.writeString(sliver.tmp("from-sliver.txt"), "hello from the sliver\n");
        Path got = local.resolve("got-sftp.txt");
        Host.Result result = clients.sftp(
                "ls -1 /",
                "cd tmp",
                "ls -1",
                "put " + payload + " up.bin",
                "get from-sliver.txt " + got,
                "mkdir newdir",
                "rename up.bin newdir/moved.bin",
                "put " + payload + " doomed.bin",
                "rm doomed.bin").check("sftp");
        List<String> lines = result.out().lines().filter(l -> !l.startsWith("sftp>")).toList();
        assertEquals("the root holds tmp only", "/tmp", lines.get(0).strip());
        assertThat(result.out(), containsString("from-sliver.txt"));
        assertEquals("hello from the sliver\n", Files.readString(got));
        assertFalse(Files.exists(sliver.tmp("doomed.bin")));
        Host.Result denied = clients.sftp("rm tmp/from-sliver.txt");
        assertNotEquals("the sliver's root-owned file in the sticky tmp is not the user's to remove", 0, denied.status());
        assertThat(denied.err(), containsString("Permission denied"));
        assertTrue(Files.exists(sliver.tmp("from-sliver.txt")));
        assertArrayEquals(sha256(payload), sha256(sliver.tmp("newdir/moved.bin")));
        assertOwnedBySliver(sliver.tmp("newdir/moved.bin"));
        assertOwnedBySliver(sliver.tmp("newdir"));
        assertEquals("mkdir gets 0777 minus the umask, never more", "rwxr-xr-x", perms(sliver.tmp("newdir")));
    }

    @Test
    public void sftpNeverSetsSetIdBitsAndMasksModes() throws IOException {
        Host.Result result = clients.sftp(
                "put " + payload + " tmp/modes.bin",
                "chmod 4755 tmp/modes.bin",
                "mkdir tmp/modedir",
                "chmod 3777 tmp/modedir",
                "chmod 0640 tmp/modes.bin").check("sftp");
        assertThat(result.err(), not(containsString("denied")));
        int mode = (Integer) Files.getAttribute(sliver.tmp("modes.bin"), "unix:mode");
        assertEquals("chmod 0640 applies", 0100640, mode);
        int dirMode = (Integer) Files.getAttribute(sliver.tmp("modedir"), "unix:mode");
        assertEquals("chmod 3777 keeps only 0777", 040777, dirMode);
        clients.sftp("chmod 4755 tmp/modes.bin").check("sftp");
        assertEquals("setuid requested, 0755 applied", 0100755, (int) (Integer) Files.getAttribute(sliver.tmp("modes.bin"), "unix:mode"));
    }

    @Test
    public void mkdirInASetgidDirectoryDoesNotInheritTheBit() throws IOException {
        Files.createDirectory(sliver.tmp("sgid"));
        Host.check("chmod", "2777", sliver.tmp("sgid").toString());
        clients.sftp("mkdir tmp/sgid/child").check("sftp");
        int mode = (Integer) Files.getAttribute(sliver.tmp("sgid/child"), "unix:mode");
        assertEquals("the set-group-id bit is cleared", 0, mode & 07000);
        assertEquals("owned by the user, its group inherited as the kernel does", sliver.user,
                Files.getOwner(sliver.tmp("sgid/child")).getName());
    }

    @Test
    public void scpOverSftpBothWays() throws IOException {
        clients.scp(false, payload.toString(), clients.remote("tmp/scp-sftp.bin")).check("scp up");
        assertArrayEquals(sha256(payload), sha256(sliver.tmp("scp-sftp.bin")));
        assertOwnedBySliver(sliver.tmp("scp-sftp.bin"));
        Path back = local.resolve("scp-sftp-back.bin");
        clients.scp(false, clients.remote("tmp/scp-sftp.bin"), back.toString()).check("scp down");
        assertArrayEquals(sha256(payload), sha256(back));
    }

    @Test
    public void legacyScpBothWays() throws IOException {
        clients.scp(true, payload.toString(), clients.remote("tmp/")).check("scp -O up");
        assertArrayEquals(sha256(payload), sha256(sliver.tmp("payload.bin")));
        assertOwnedBySliver(sliver.tmp("payload.bin"));
        Path back = local.resolve("legacy-back.bin");
        clients.scp(true, clients.remote("tmp/payload.bin"), back.toString()).check("scp -O down");
        assertArrayEquals(sha256(payload), sha256(back));
    }

    @Test
    public void legacyScpRecursiveAndPreserving() throws IOException {
        Path tree = Files.createDirectories(local.resolve("tree/sub"));
        Files.writeString(tree.resolve("f.txt"), "in a tree\n");
        Host.check("chmod", "4755", tree.resolve("f.txt").toString());
        clients.scp(true, "-r", "-p", local.resolve("tree").toString(), clients.remote("tmp/")).check("scp -O -r -p up");
        Path up = sliver.tmp("tree/sub/f.txt");
        assertEquals("in a tree\n", Files.readString(up));
        assertOwnedBySliver(up);
        assertOwnedBySliver(sliver.tmp("tree/sub"));
        assertEquals("no setuid bit even with -p", 0, (Integer) Files.getAttribute(up, "unix:mode") & 07000);
        Path back = local.resolve("tree-back");
        clients.scp(true, "-r", clients.remote("tmp/tree"), back.toString()).check("scp -O -r down");
        assertEquals("in a tree\n", Files.readString(back.resolve("sub/f.txt")));
        Host.check("touch", "-m", "-d", "2001-02-03 04:05:06 UTC", up.toString());
        Host.check("chmod", "0640", up.toString());
        Path kept = local.resolve("kept.txt");
        clients.scp(true, "-p", clients.remote("tmp/tree/sub/f.txt"), kept.toString()).check("scp -O -p down");
        assertEquals("the sliver's modification time", Files.getLastModifiedTime(up), Files.getLastModifiedTime(kept));
        assertEquals("the sliver's mode", "rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
    }

    @Test
    public void legacyScpNamesWithShellSyntaxAreJustNames() throws IOException {
        String name = "a b;touch pwned1 & touch pwned2|$(touch pwned3)`touch pwned4`>pwned5";
        clients.scp(true, payload.toString(), clients.remote("tmp/" + name)).check("scp -O odd name up");
        assertArrayEquals(sha256(payload), sha256(sliver.tmp(name)));
        Path back = local.resolve("odd-back.bin");
        clients.scp(true, clients.remote("tmp/" + name), back.toString()).check("scp -O odd name down");
        assertArrayEquals(sha256(payload), sha256(back));
        Path marker = sliver.base.resolve("pwned6");
        assertNotEquals("any other command is refused", 0, clients.ssh("touch " + marker).status());
        assertFalse(Files.exists(marker));
        assertEquals("no shell ran anywhere", "", Host.check("find", sliver.base.toString(), "/root", "/", "-maxdepth", "2",
                "-xdev", "-name", "pwned[0-9]"));
    }

    @Test
    public void sshfsReadsWritesRenamesDeletesAndShowsTheOwner() throws IOException {
        Files.writeString(sliver.tmp("fs-read.txt"), "read me\n");
        Path mount = Files.createDirectory(sliver.base.resolve("mnt"));
        clients.sshfs(mount);
        try {
            assertEquals("read me\n", Host.check("cat", mount.resolve("fs-read.txt").toString()));
            Host.check("cp", payload.toString(), mount.resolve("fs-written.bin").toString());
            assertArrayEquals(sha256(payload), sha256(sliver.tmp("fs-written.bin")));
            assertOwnedBySliver(sliver.tmp("fs-written.bin"));
            Host.check("mv", mount.resolve("fs-written.bin").toString(), mount.resolve("fs-renamed.bin").toString());
            assertTrue(Files.exists(sliver.tmp("fs-renamed.bin")));
            Host.check("mkdir", mount.resolve("fs-dir").toString());
            assertOwnedBySliver(sliver.tmp("fs-dir"));
            String listing = Host.check("ls", "-l", mount.toString());
            assertThat(listing, containsString(" " + sliver.user + " " + sliver.user + " "));
            Host.check("truncate", "-s", "100", mount.resolve("fs-renamed.bin").toString());
            assertEquals("truncate shrinks", 100, Files.size(sliver.tmp("fs-renamed.bin")));
            Host.check("truncate", "-s", "5000", mount.resolve("fs-renamed.bin").toString());
            assertEquals("truncate extends", 5000, Files.size(sliver.tmp("fs-renamed.bin")));
            Host.check("rm", mount.resolve("fs-renamed.bin").toString());
            assertFalse(Files.exists(sliver.tmp("fs-renamed.bin")));
            assertEquals(hex(digest("read me\n".getBytes(StandardCharsets.UTF_8))),
                    Host.check("sha256sum", mount.resolve("fs-read.txt").toString()).split(" ")[0]);
        } finally {
            Clients.unmount(mount);
        }
    }

    private static void assertOwnedBySliver(Path path) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertEquals(path + " owner", sliver.user, attributes.owner().getName());
        assertEquals(path + " group", sliver.user, attributes.group().getName());
        assertEquals(path + " has no set-id or sticky bit", 0, (Integer) Files.getAttribute(path, "unix:mode") & 07000);
    }

    private static String perms(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    static byte[] sha256(Path path) throws IOException {
        return digest(Files.readAllBytes(path));
    }

    static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
