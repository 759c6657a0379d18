package eu.confine.oob.keys.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverAspect.State;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.internal.FileSliverRecords;

/** The keys aspect read from a real account tree. */
public class KeysAspectTest {

    @ClassRule
    public static final TestKeys KEYS = new TestKeys();

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Rule
    public HostGroup group = new HostGroup();

    private SliceId sliceId;
    private FileSliverRecords records;
    private AuthorizedKeysFile file;
    private KeysAspect aspect;

    @Before
    public void setUp() throws IOException {
        sliceId = group.sliceId();
        Path homeBase = temp.newFolder("home").toPath();
        records = new FileSliverRecords(temp.getRoot().toPath().resolve("records"));
        file = new AuthorizedKeysFile(homeBase);
        AuthorizedKeysFileTest.accountDirs(homeBase, sliceId);
        aspect = new KeysAspect(records, file);
        records.save(new SliverRecord(sliceId, sliceId.value(), Optional.empty(),
                List.of(KEYS.line("ed25519"), KEYS.line("dsa"), KEYS.line("ecdsa256")), SliverRecord.Phase.READY));
    }

    @Test
    public void okWhenTheFileIsTheRecordsRendering() throws IOException {
        file.write(sliceId, new KeyRules().check(records.find(sliceId).orElseThrow().adminKeys()).accepted());

        State state = aspect.inspect(sliceId);

        assertEquals("keys", aspect.name());
        assertTrue(state.detail(), state.ok());
        assertEquals("2", state.summary());
        assertThat(state.detail(), containsString("root:" + sliceId.userName() + " 0640, as recorded"));
    }

    @Test
    public void saysWhatDiffers() throws IOException {
        file.write(sliceId, new KeyRules().check(List.of(KEYS.line("ed25519"))).accepted());
        Path path = file.path(sliceId);
        Files.writeString(path, "ssh-ed25519 AAAA planted\n", StandardOpenOption.APPEND);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));

        State state = aspect.inspect(sliceId);

        assertFalse(state.ok());
        assertEquals("2", state.summary());
        assertThat(state.detail(), containsString("mode 0644 (want 0640)"));
        assertThat(state.detail(), containsString("content differs from the record's 2 key(s): 1 missing, 1 extra"));
    }

    @Test
    public void aMissingFileOrRecordIsNotOk() throws IOException {
        State missing = aspect.inspect(sliceId);
        assertFalse(missing.ok());
        assertThat(missing.detail(), containsString("authorized_keys is missing"));

        file.write(sliceId, List.of("restrict,pty " + KEYS.line("ed25519")));
        records.delete(sliceId);
        State orphan = aspect.inspect(sliceId);
        assertFalse(orphan.ok());
        assertThat(orphan.detail(), containsString("no sliver record"));
    }
}
