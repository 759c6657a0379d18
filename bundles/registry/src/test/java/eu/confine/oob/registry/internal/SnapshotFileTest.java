package eu.confine.oob.registry.internal;

import static org.junit.Assert.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.SliceId;

public class SnapshotFileTest {

    private static final URI NODE = URI.create("https://registry.test/api/nodes/5");

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void savedAtomicallyAndReadBack() throws Exception {
        Path file = folder.getRoot().toPath().resolve("new/dir/snapshot.json");
        SnapshotFile snapshots = new SnapshotFile(file);
        assertEquals(Optional.empty(), snapshots.load(NODE));
        Snapshot snapshot = new Snapshot(NODE, Instant.parse("2026-03-01T10:00:00.123Z"), List.of(
                new DesiredSliver(SliceId.of("00000000001a"), "00000000001a", List.of("ssh-ed25519 AAAAa a", "ssh-rsa AAAAb b")),
                new DesiredSliver(SliceId.of("000000000042"), "c42", List.of())));

        snapshots.save(snapshot);
        snapshots.save(snapshot);

        assertEquals(Optional.of(snapshot), new SnapshotFile(file).load(NODE));
        assertEquals(List.of("snapshot.json"), Files.list(file.getParent()).map(p -> p.getFileName().toString()).toList());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    public void anotherNodesOrAnUnreadableSnapshotIsIgnored() throws Exception {
        Path file = folder.getRoot().toPath().resolve("snapshot.json");
        SnapshotFile snapshots = new SnapshotFile(file);
        snapshots.save(new Snapshot(NODE, Instant.now(), List.of()));
        assertEquals(Optional.empty(), snapshots.load(URI.create("https://registry.test/api/nodes/6")));

        for (String broken : List.of("{", "[]", "{\"format\": 2}", "{\"format\": 1, \"registry\": \"x\", \"fetchedAt\": \"yesterday\", \"slivers\": []}",
                "{\"format\": 1, \"registry\": \"" + NODE + "\", \"fetchedAt\": \"2026-03-01T10:00:00Z\", "
                        + "\"slivers\": [{\"slice\": \"../etc\", \"container\": \"x\", \"keys\": []}]}",
                "{\"format\": 1, \"registry\": \"" + NODE + "\", \"fetchedAt\": \"2026-03-01T10:00:00Z\", "
                        + "\"slivers\": [{\"slice\": \"00000000001a\", \"container\": \"../x\", \"keys\": []}]}")) {
            Files.writeString(file, broken);
            assertEquals(broken, Optional.empty(), snapshots.load(NODE));
        }
    }
}
