package eu.confine.oob.api.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecord;

public class FileSliverRecordsTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void savesFindsListsAndDeletes() throws Exception {
        Path dir = temp.getRoot().toPath().resolve("records");
        FileSliverRecords records = new FileSliverRecords(dir);
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        SliverRecord b = new SliverRecord(SliceId.of("b"), "ct-b", Optional.of(Path.of("/srv/b tmp")),
                List.of("ssh-ed25519 AAAA x y=z", "key # two"), SliverRecord.Phase.DEPLOYING);
        SliverRecord a = new SliverRecord(SliceId.of("000000000042"), "a", Optional.empty(), List.of("k"), SliverRecord.Phase.READY);
        records.save(b);
        records.save(a);
        assertEquals(Optional.of(b), records.find(SliceId.of("b")));
        assertEquals(List.of(a, b), records.all());

        records.save(b.withPhase(SliverRecord.Phase.REMOVING));
        assertEquals(SliverRecord.Phase.REMOVING, new FileSliverRecords(dir).find(SliceId.of("b")).orElseThrow().phase());

        records.delete(SliceId.of("b"));
        records.delete(SliceId.of("b"));
        assertEquals(List.of(a), records.all());
        try (var files = Files.list(dir)) {
            assertTrue("no temporary files left", files.allMatch(f -> f.getFileName().toString().endsWith(".sliver")));
        }
    }

    @Test
    public void unreadableRecordIsSkipped() throws Exception {
        Path dir = temp.getRoot().toPath();
        Files.writeString(dir.resolve("evil.sliver"), "slice.id=../../etc\n");
        assertEquals(List.of(), new FileSliverRecords(dir).all());
    }
}
