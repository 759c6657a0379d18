package eu.confine.oob.sshd.files;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.sun.jna.LastErrorException;

/** The identity layer on its own: what a thread has inside a scope, and that nothing else ever has it. */
public class CredentialsTest {

    private static SliverFixture sliver;
    private static Credentials credentials;
    private static SliverIdentity who;

    @BeforeClass
    public static void create() throws IOException {
        sliver = new SliverFixture();
        credentials = new Credentials(Arch.current());
        who = SliverIdentity.lookup(sliver.user);
    }

    @AfterClass
    public static void remove() {
        if (sliver != null) {
            sliver.close();
        }
    }

    @Test
    public void insideTheScopeTheThreadIsTheUserWithNoGroupsAndNoCapabilities() throws Exception {
        int[][] seen = credentials.as(who, () -> new int[][] {
            {LibC.setfsuid(-1), LibC.setfsgid(-1)}, groups(), capabilities()});
        assertArrayEquals(new int[] {sliver.uid, sliver.gid}, seen[0]);
        assertArrayEquals("no supplementary group", new int[0], seen[1]);
        assertEquals("no effective capability", 0, seen[2][0] | seen[2][3]);
        assertArrayEquals("back to root", new int[] {0, 0}, new int[] {LibC.setfsuid(-1), LibC.setfsgid(-1)});
        assertNotEquals("capabilities back", 0, capabilities()[0]);
    }

    @Test
    public void otherThreadsKeepTheirCredentialsMeanwhile() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<int[]> otherSaw = other.submit(() -> {
                assertTrue(inside.await(30, TimeUnit.SECONDS));
                int[] ids = {LibC.setfsuid(-1), LibC.setfsgid(-1), capabilities()[0]};
                checked.countDown();
                return ids;
            });
            credentials.as(who, () -> {
                inside.countDown();
                await(checked);
                return null;
            });
            int[] ids = otherSaw.get(30, TimeUnit.SECONDS);
            assertEquals(0, ids[0]);
            assertEquals(0, ids[1]);
            assertNotEquals(0, ids[2]);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    public void aPooledThreadDoesNotKeepTheIdentityEvenWhenTheOperationFails() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> failing = pool.submit(() -> {
                try {
                    credentials.as(who, () -> {
                        throw new LastErrorException(Errno.EACCES);
                    });
                    fail("the operation's error comes out");
                } catch (LastErrorException expected) {
                    assertEquals(Errno.EACCES, expected.getErrorCode());
                }
                return null;
            });
            failing.get(30, TimeUnit.SECONDS);
            int[] next = pool.submit(() -> new int[] {LibC.setfsuid(-1), LibC.setfsgid(-1)}).get(30, TimeUnit.SECONDS);
            assertArrayEquals(new int[] {0, 0}, next);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void rootsSupplementaryGroupsNeverCountForTheUser() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            thread.submit(() -> {
                // Give this thread root's group, as a root daemon may have; it must not open root:root 0640.
                LibC.syscall(Arch.current().sysSetgroups, 1, new int[] {0});
                assertEquals("readable by group root, and the thread has it", -Errno.EACCES, openAsUser(sliver.rootGroupMarker));
                assertEquals("root 0600", -Errno.EACCES, openAsUser(sliver.rootOnlyMarker));
                assertTrue("control: root:USER 0640 is the user's group's", openAsUser(sliver.userGroupFile) >= 0);
                assertTrue("control: a world-readable file", openAsUser(sliver.readableMarker) >= 0);
                assertArrayEquals("the thread's own groups are back", new int[] {0}, groups());
                return null;
            }).get(30, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
        assertTrue("root itself still reads it", Files.isReadable(sliver.rootGroupMarker));
    }

    /** Opens a file read-only as the user; the descriptor (closed at once) or minus the errno. */
    private static int openAsUser(Path path) throws IOException {
        try {
            return credentials.as(who, () -> {
                long[] how = {LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NONBLOCK, 0, 0};
                int fd = (int) LibC.syscall(Arch.SYS_OPENAT2, LibC.AT_FDCWD, TreeCalls.cstring(path.toString()), how, 24);
                LibC.close(fd);
                return fd;
            });
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    private static int[] groups() {
        int[] groups = new int[64];
        int n = LibC.getgroups(groups.length, groups);
        return Arrays.copyOf(groups, n);
    }

    private static int[] capabilities() {
        int[] caps = new int[6];
        LibC.capget(new int[] {LibC.LINUX_CAPABILITY_VERSION_3, 0}, caps);
        return caps;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other thread did not check in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
