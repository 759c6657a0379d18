package eu.confine.oob.itests;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.startsWith;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.host.MountTable;
import eu.confine.oob.itests.support.OobTestSupport;
import eu.confine.oob.itests.support.ShellResult;

/**
 * Provisioning on a real node: lifecycle events in, real users, homes, keys and bind mounts out, with
 * real busybox containers; hot-swap, boot re-mount, halt, and every kind of bad input.
 */
public class ProvisioningIT extends OobTestSupport {

    private static final Path HOMES = Path.of("/home");

    @Test
    public void deployMakesUserHomeKeysAndMountExactlyAsSpecifiedWhileTheSliverIsStopped() throws Exception {
        String slice = slivers.create();
        String key = newPublicKey("alice@example");
        String dsaKey = "ssh-dss AAAAB3NzaC1kc3MAAACBAP8= old@example";

        Event outcome = deploy(slice, key, dsaKey);

        assertOutcome(SliverEvents.SLIVER_READY, slice, outcome);
        Path home = HOMES.resolve(slice);
        String[] passwd = hostOut("getent", "passwd", slice).split(":");
        assertEquals(home.toString(), passwd[5]);
        assertEquals("/bin/sh", passwd[6]);
        assertEquals(hostOut("getent", "group", slice).split(":")[2], passwd[3]);
        assertEquals(slice + " sliver", hostOut("id", "-nG", slice));
        assertEquals("*", hostOut("getent", "shadow", slice).split(":")[1]);
        assertEquals("root:" + slice + " 750 directory", stat(home));
        assertEquals("root:" + slice + " 750 directory", stat(home.resolve(".ssh")));
        assertEquals("root:" + slice + " 640 regular file", stat(home.resolve(".ssh/authorized_keys")));
        assertEquals("restrict,pty " + key + "\n", Files.readString(home.resolve(".ssh/authorized_keys")));

        MountTable.Mount mount = MountTable.read().at(home.resolve("tmp")).orElseThrow();
        assertTrue(mount.options().toString(), mount.has("nosymfollow", "nosuid", "nodev", "noexec"));
        assertTrue(mount.propagation().toString(), mount.isPrivate());
        assertEquals(slivers.rootfs(slice).resolve("tmp"), mount.root());
        assertFalse("stopped sliver", slivers.running(slice));

        Path sliverTmp = slivers.rootfs(slice).resolve("tmp");
        Files.writeString(sliverTmp.resolve("from-sliver"), "results\n");
        assertEquals("results\n", Files.readString(home.resolve("tmp/from-sliver")));
        Files.writeString(home.resolve("tmp/from-admin"), "config\n");
        slivers.start(slice);
        assertEquals("config", slivers.attach(slice, "cat", "/tmp/from-admin").stdout().strip());
        slivers.attach(slice, "sh", "-c", "echo live > /tmp/from-running");
        assertEquals("live\n", Files.readString(home.resolve("tmp/from-running")));

        ShellResult list = shell("oob:list");
        assertFalse(list.toString(), list.failed());
        assertThat(list.stdout(), containsString(slice));
        ShellResult info = shell("oob:info " + slice);
        assertFalse(info.toString(), info.failed());
        assertThat(info.stdout(), containsString(home.resolve("tmp").toString()));
    }

    @Test
    public void keysChangedRewritesTheFileAndAllInvalidKeysChangeNothing() throws Exception {
        String slice = slivers.create();
        assertOutcome(SliverEvents.SLIVER_READY, slice, deploy(slice, newPublicKey("alice")));
        Path keys = HOMES.resolve(slice).resolve(".ssh/authorized_keys");
        String bob = newPublicKey("bob");
        String carol = newPublicKey("carol");

        assertOutcome(SliverEvents.SLIVER_READY, slice, changeKeys(slice, bob, carol));
        assertEquals("restrict,pty " + bob + "\nrestrict,pty " + carol + "\n", Files.readString(keys));
        assertEquals("root:" + slice + " 640 regular file", stat(keys));

        Event refused = changeKeys(slice, "ssh-rsa AAAAnot-a-key x", "garbage");
        assertFailed(slice, refused, "no valid admin key");
        assertEquals("restrict,pty " + bob + "\nrestrict,pty " + carol + "\n", Files.readString(keys));
    }

    @Test
    public void removeDeletesUserGroupAndHomeButNeverTheSliversData() throws Exception {
        String slice = slivers.create();
        slivers.start(slice);
        assertOutcome(SliverEvents.SLIVER_READY, slice, deploy(slice, newPublicKey("alice")));
        slivers.attach(slice, "sh", "-c", "mkdir /tmp/work && echo precious > /tmp/work/data");

        assertOutcome(SliverEvents.SLIVER_CLEANED, slice, remove(slice));

        assertEquals(2, host("getent", "passwd", slice).status());
        assertEquals(2, host("getent", "group", slice).status());
        assertFalse(Files.exists(HOMES.resolve(slice), LinkOption.NOFOLLOW_LINKS));
        assertTrue(MountTable.read().atOrBelow(HOMES.resolve(slice)).isEmpty());
        assertTrue(sliverRecords.find(SliceId.of(slice)).isEmpty());
        assertEquals("precious", slivers.attach(slice, "cat", "/tmp/work/data").stdout().strip());
        assertEquals("precious\n", Files.readString(slivers.rootfs(slice).resolve("tmp/work/data")));

        assertFailed(slice, remove(slice), "no such sliver");
    }

    @Test
    public void hotSwapOfAnyBundleKeepsMountsAccountsAndKeys() throws Exception {
        String slice = slivers.create();
        assertOutcome(SliverEvents.SLIVER_READY, slice, deploy(slice, newPublicKey("alice")));
        Path tmp = HOMES.resolve(slice).resolve("tmp");
        int mountId = MountTable.read().at(tmp).orElseThrow().id();
        String keys = Files.readString(HOMES.resolve(slice).resolve(".ssh/authorized_keys"));

        for (String name : List.of("eu.confine.oob.mounts", "eu.confine.oob.users", "eu.confine.oob.keys", "eu.confine.oob.lxc")) {
            Bundle bundle = bundle(name);
            bundle.update();
            awaitTrue(name + " active again", () -> bundle.getState() == Bundle.ACTIVE);
        }
        bundle("eu.confine.oob.mounts").stop();
        assertEquals("a stopped mounts bundle leaves the mount", mountId, MountTable.read().at(tmp).orElseThrow().id());
        bundle("eu.confine.oob.mounts").start();

        assertEquals("the very same mount, never unmounted", mountId, MountTable.read().at(tmp).orElseThrow().id());
        assertEquals(keys, Files.readString(HOMES.resolve(slice).resolve(".ssh/authorized_keys")));
        assertEquals(0, host("getent", "passwd", slice).status());
        assertTrue(sliverRecords.find(SliceId.of(slice)).isPresent());

        // Removal right after the updates waits behind the reconciliation they started, and leaves nothing.
        assertOutcome(SliverEvents.SLIVER_CLEANED, slice, remove(slice));
        assertTrue(MountTable.read().atOrBelow(HOMES.resolve(slice)).isEmpty());
        assertFalse(Files.exists(HOMES.resolve(slice), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void activationMountsAgainWhatIsMissingAsAtBootAndHaltUnmountsEverything() throws Exception {
        String slice = slivers.create();
        assertOutcome(SliverEvents.SLIVER_READY, slice, deploy(slice, newPublicKey("alice")));
        Path tmp = HOMES.resolve(slice).resolve("tmp");
        Files.writeString(slivers.rootfs(slice).resolve("tmp/marker"), "m");

        assertEquals(0, host("umount", tmp.toString()).status());
        assertFalse(MountTable.read().at(tmp).isPresent());
        restart("eu.confine.oob.mounts");
        awaitTrue("re-mounted at activation", () -> MountTable.read().at(tmp).isPresent());
        assertEquals("m", Files.readString(tmp.resolve("marker")));

        eventAdmin.postEvent(new Event(SliverEvents.NODE_HALTING, Map.of()));
        awaitTrue("unmounted at halt", () -> MountTable.read().at(tmp).isEmpty());
        assertEquals("the account stays at halt", 0, host("getent", "passwd", slice).status());
        assertEquals("m", Files.readString(slivers.rootfs(slice).resolve("tmp/marker")));

        restart("eu.confine.oob.mounts");
        awaitTrue("mounted again at the next start", () -> MountTable.read().at(tmp).isPresent());
        assertOutcome(SliverEvents.SLIVER_CLEANED, slice, remove(slice));
        assertTrue(MountTable.read().atOrBelow(HOMES.resolve(slice)).isEmpty());
    }

    @Test
    public void allDigitSliceIdsMapToAPrefixedUserAndContainerAndTmpCanBeGiven() throws Exception {
        String container = slivers.create();
        Path customTmp = Files.createDirectories(slivers.rootfs(container).resolve("srv/scratch"));
        String slice = String.format("%012d", Long.parseLong(container.substring(1), 16));
        String user = slivers.track(SliceId.of(slice).userName());
        slivers.track(slice);

        Event outcome = deploy(Map.of(SliverEvents.SLICE_ID, slice, SliverEvents.ADMIN_KEYS, new String[] {newPublicKey("a")},
                SliverEvents.CONTAINER, container, SliverEvents.TMP, customTmp.toString()));

        assertOutcome(SliverEvents.SLIVER_READY, slice, outcome);
        assertEquals("slice" + slice, user);
        assertEquals(user + " sliver", hostOut("id", "-nG", user));
        Files.writeString(customTmp.resolve("x"), "y");
        assertEquals("y", Files.readString(HOMES.resolve(user).resolve("tmp/x")));
        assertOutcome(SliverEvents.SLIVER_CLEANED, slice, remove(slice));
        assertEquals(2, host("getent", "passwd", user).status());
        assertEquals("y", Files.readString(customTmp.resolve("x")));
    }

    @Test
    public void badInputIsRefusedWithAClearReasonAndChangesNothing() throws Exception {
        String key = newPublicKey("alice");
        for (String bad : List.of("Bad", "..", "a;rm -rf /", "-x", "a/b", "abcdefghijklmnopqrstuvwxyz0123456", "slice42")) {
            assertFailed(bad, deploy(Map.of(SliverEvents.SLICE_ID, bad, SliverEvents.ADMIN_KEYS, new String[] {key})), "slice ");
        }
        for (String taken : List.of("root", "daemon", "nobody")) {
            String before = hostOut("getent", "passwd", taken);
            assertFailed(taken, deploy(Map.of(SliverEvents.SLICE_ID, taken, SliverEvents.ADMIN_KEYS, new String[] {key},
                    SliverEvents.CONTAINER, slivers.create())), "is not a sliver user");
            assertEquals(before, hostOut("getent", "passwd", taken));
            assertTrue(sliverRecords.find(SliceId.of(taken)).isEmpty());
        }

        String noContainer = slivers.newName();
        assertFailed(noContainer, deploy(noContainer, key), "container " + noContainer + " does not exist");
        String allInvalid = slivers.create();
        assertFailed(allInvalid, deploy(allInvalid, "ssh-dss AAAAB3NzaC1kc3MAAACBAP8= old", "not a key"), "no valid admin key");
        assertFailed(allInvalid, request(SliverEvents.DEPLOYED, Map.of(SliverEvents.SLICE_ID, allInvalid)), "has no slice.admin.keys");
        Event noSlice = request(SliverEvents.DEPLOYED, Map.of(SliverEvents.ADMIN_KEYS, new String[] {key}));
        assertEquals(SliverEvents.SLIVER_FAILED, noSlice.getTopic());
        assertThat((String) noSlice.getProperty(SliverEvents.REASON), containsString("has no slice.id"));
        assertFailed(allInvalid, deploy(Map.of(SliverEvents.SLICE_ID, allInvalid, SliverEvents.ADMIN_KEYS, new String[] {key},
                SliverEvents.CONTAINER, "../../etc")), "container name");
        for (String slice : List.of(noContainer, allInvalid)) {
            assertEquals(2, host("getent", "passwd", slice).status());
            assertEquals(2, host("getent", "group", slice).status());
            assertFalse(Files.exists(HOMES.resolve(slice)));
            assertTrue(sliverRecords.find(SliceId.of(slice)).isEmpty());
        }

        String ghost = slivers.newName();
        assertFailed(ghost, remove(ghost), "no such sliver");
        assertFailed(ghost, changeKeys(ghost, key), "no such sliver");

        ShellResult badCommand = shell("oob:deploy --key '" + key + "' 'Not Valid'");
        assertTrue(badCommand.toString(), badCommand.failed());
        assertThat(badCommand.errorMessage(), containsString("slice Not Valid"));
    }

    @Test
    public void commandsDriveTheSameLifecycle() throws Exception {
        String slice = slivers.create();
        Path keyFile = Files.createTempFile("keys", ".pub");
        Files.writeString(keyFile, "# admins\n" + newPublicKey("alice") + "\n\n");

        ShellResult deployed = shell("oob:deploy --keys-file " + keyFile + " " + slice);
        assertFalse(deployed.toString(), deployed.failed());
        assertThat(deployed.stdout(), containsString("READY"));
        assertTrue(MountTable.read().at(HOMES.resolve(slice).resolve("tmp")).isPresent());

        ShellResult keys = shell("oob:keys --key '" + newPublicKey("bob") + "' " + slice);
        assertFalse(keys.toString(), keys.failed());
        assertThat(Files.readString(HOMES.resolve(slice).resolve(".ssh/authorized_keys")), containsString(" bob"));

        ShellResult removed = shell("oob:remove " + slice);
        assertFalse(removed.toString(), removed.failed());
        assertThat(removed.stdout(), containsString("CLEANED"));
        assertEquals(2, host("getent", "passwd", slice).status());
        Files.delete(keyFile);
    }

    private void assertOutcome(String topic, String slice, Event outcome) {
        assertEquals(describe(outcome), topic, outcome.getTopic());
        assertEquals(slice, outcome.getProperty(SliverEvents.SLICE_ID));
    }

    private void assertFailed(String slice, Event outcome, String reasonPart) {
        assertEquals(describe(outcome), SliverEvents.SLIVER_FAILED, outcome.getTopic());
        String reason = (String) outcome.getProperty(SliverEvents.REASON);
        assertThat(reason, startsWith("slice "));
        assertThat(reason, containsString(reasonPart));
        assertNotEquals("one line", true, reason.contains("\n"));
        if (slice.matches("[a-z0-9_][a-z0-9_-]*")) {
            assertThat(reason, containsString(slice));
        }
    }

    private static String describe(Event event) {
        Map<String, Object> props = new HashMap<>();
        for (String name : event.getPropertyNames()) {
            props.put(name, event.getProperty(name));
        }
        return event.getTopic() + " " + props;
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (bundle.getSymbolicName().equals(symbolicName)) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private void restart(String symbolicName) throws Exception {
        Bundle bundle = bundle(symbolicName);
        bundle.stop();
        bundle.start();
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            synchronized (monitor) {
                monitor.wait(50);
            }
        }
    }

    private String hostOut(String... argv) {
        return host(argv).stdout().strip();
    }

    private String stat(Path path) {
        return hostOut("stat", "-c", "%U:%G %a %F", path.toString());
    }
}
