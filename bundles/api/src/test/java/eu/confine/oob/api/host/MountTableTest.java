package eu.confine.oob.api.host;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

public class MountTableTest {

    private static final String SAMPLE = String.join("\n",
            "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
            "46 22 254:0 /var/lib/lxc/demo/rootfs/tmp /home/demo/tmp rw,nosuid,nodev,noexec,relatime,nosymfollow - ext4 /dev/vda rw",
            "47 46 0:50 / /home/demo/tmp/inner rw shared:7 master:3 - tmpfs tmpfs rw",
            "48 22 254:0 /srv/with\\040space /home/odd\\134name\\011x rw - ext4 /dev/vda rw",
            "49 22 0:51 / /home/demo rw,relatime - tmpfs none rw",
            "");

    @Test
    public void parsesFieldsOfABindMount() {
        MountTable.Mount mount = MountTable.parse(SAMPLE).at(Path.of("/home/demo/tmp")).orElseThrow();
        assertEquals(46, mount.id());
        assertEquals(Path.of("/var/lib/lxc/demo/rootfs/tmp"), mount.root());
        assertTrue(mount.has("nosuid", "nodev", "noexec", "nosymfollow"));
        assertTrue(mount.isPrivate());
        assertEquals("ext4", mount.fsType());
        assertEquals("/dev/vda", mount.source());
    }

    @Test
    public void propagationIsRead() {
        MountTable table = MountTable.parse(SAMPLE);
        assertFalse(table.at(Path.of("/")).orElseThrow().isPrivate());
        assertFalse(table.at(Path.of("/home/demo/tmp/inner")).orElseThrow().isPrivate());
        assertFalse(table.at(Path.of("/")).orElseThrow().has("nosuid"));
    }

    @Test
    public void unescapesOctal() {
        MountTable.Mount mount = MountTable.parse(SAMPLE).all().get(3);
        assertEquals(Path.of("/srv/with space"), mount.root());
        assertEquals(Path.of("/home/odd\\name\tx"), mount.mountPoint());
    }

    @Test
    public void atOrBelowListsDeepestFirstAndIgnoresSiblingPrefixes() {
        List<MountTable.Mount> found = MountTable.parse(SAMPLE + "50 22 0:52 / /home/demo2/tmp rw - tmpfs t rw\n")
                .atOrBelow(Path.of("/home/demo"));
        assertEquals(List.of(47, 46, 49), found.stream().map(MountTable.Mount::id).toList());
    }

    @Test
    public void readsTheRealTable() {
        assertTrue(MountTable.read().at(Path.of("/")).isPresent());
    }

    @Test(expected = IllegalArgumentException.class)
    public void rejectsGarbage() {
        MountTable.parse("not a mount line");
    }
}
