package eu.confine.oob.shell.command;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;

public class AdminKeyLinesTest {

    private static final SliceId DEMO = SliceId.of("demo");
    private static final String KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA alice@example.org";
    private static final String KEY_B = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB bob with spaces";

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void parseKeepsOneKeyPerLineAndSkipsBlankAndCommentLines() {
        String text = "# admins of slice demo\n\n  " + KEY_A + "  \r\n\t\n   # indented comment\n" + KEY_B + "\n";
        assertThat(AdminKeyLines.parse(text), contains(KEY_A, KEY_B));
    }

    @Test
    public void parseOfOnlyCommentsIsEmpty() {
        assertThat(AdminKeyLines.parse("#a\n\n# b\n"), empty());
    }

    @Test
    public void collectPutsKeyOptionsFirstThenTheFileRelativeToTheDirectory() throws IOException {
        Files.writeString(folder.getRoot().toPath().resolve("admins.pub"), "# comment\n" + KEY_B + "\n");
        List<String> keys = AdminKeyLines.collect(DEMO, List.of(" " + KEY_A + " ", "  "), "admins.pub", folder.getRoot().toPath());
        assertThat(keys, contains(KEY_A, KEY_B));
    }

    @Test
    public void collectReadsAnAbsoluteFileWhateverTheDirectory() throws IOException {
        Path file = folder.newFile("keys").toPath();
        Files.writeString(file, KEY_A);
        assertThat(AdminKeyLines.collect(DEMO, null, file.toString(), Path.of("/nonexistent")), contains(KEY_A));
    }

    @Test
    public void missingFileIsOneLineNamingSliceAndFile() {
        Path dir = folder.getRoot().toPath();
        InvalidSliverRequestException e = assertThrows(InvalidSliverRequestException.class,
                () -> AdminKeyLines.collect(DEMO, List.of(KEY_A), "missing.pub", dir));
        assertThat(e.getMessage(), containsString("slice demo: keys file " + dir.resolve("missing.pub") + " does not exist"));
    }

    @Test
    public void noKeyAtAllIsRefused() throws IOException {
        Path file = folder.newFile("only-comments").toPath();
        Files.writeString(file, "# nobody yet\n");
        InvalidSliverRequestException e = assertThrows(InvalidSliverRequestException.class,
                () -> AdminKeyLines.collect(DEMO, List.of(" "), file.toString(), folder.getRoot().toPath()));
        assertThat(e.getMessage(), containsString("slice demo: no admin key given"));
    }
}
